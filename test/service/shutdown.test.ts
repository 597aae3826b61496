// A process that stops finishes the requests it has started, and the answer to each closes its
// connection: kept alive, the connection held the process for the keep-alive timeout. (One that
// arrives meanwhile, on a connection the process has not yet closed, is answered 503
// shutting_down with Retry-After, in the API's shape; that is a race, not tested here.)
import { connect } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp } from "../support/service.js";

const post = (path: string, key: string, body: unknown) => {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nhost: anxin\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
};

describe.each(engines)("a service that stops, on %s", (engine) => {
  it("answers the request under way, closing its connection, and stops without waiting for the keep-alive timeout", async () => {
    const app = await startApp(engine);
    const showings = Array.from({ length: 999 }, (_, i) => ev("showing.recorded", "2026-03-01T10:30:00+08:00", { showingId: `S${i}`, listingId: "L1", buyerId: `B${i}`, agentId: "A7" }, { id: `show-${i}` }));
    // The batch waits in its handler until let go, so that the process stops while it is under way.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => { letGo = resolve; });
    const underWay = new Promise<void>((resolve) => {
      const submitBatch = app.service.submitBatch.bind(app.service);
      vi.spyOn(app.service, "submitBatch").mockImplementation(async (...args) => {
        resolve();
        await held;
        return submitBatch(...args);
      });
    });
    const { hostname, port } = new URL(app.base);
    let received = "";
    const socket = connect(Number(port), hostname);
    socket.on("data", (chunk) => { received += chunk.toString(); });
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(post("/v1/events/batch", app.apiKey, { events: [listing(), ...showings] }));
    await underWay;
    const closed = app.close();
    letGo();
    // Kept alive, the connection held the close for the keep-alive timeout (72 s), past this test's.
    await Promise.all([ended, closed]);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
    expect(received).toContain('"accepted":1000');
  }, 30_000);
});
