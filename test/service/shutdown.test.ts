// A process that stops finishes the requests it has started and starts no other: one that arrives
// meanwhile on a kept-alive connection is answered 503 in the API's shape, with Retry-After, so
// that the integrator sends it again (its ids make that safe).
import { connect } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp } from "../support/service.js";

/**
 * Requests sent one after another on one kept-alive connection, each once the one before is
 * answered; `between` runs once the first is sent. The answers, as their raw text.
 */
function inTurn(base: string, requests: string[], between: () => Promise<void>): Promise<string[]> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let received = "";
    const socket = connect(Number(port), hostname, () => {
      socket.write(requests[0]!);
      between().catch(reject);
    });
    socket.on("data", (chunk) => {
      received += chunk.toString();
      const headEnd = received.indexOf("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? -1);
      if (headEnd < 0 || length < 0 || Buffer.byteLength(received) < headEnd + 4 + length) return;
      answers.push(received);
      received = "";
      if (answers.length < requests.length) socket.write(requests[answers.length]!);
      else socket.end();
    });
    socket.on("close", () => resolve(answers));
    socket.on("error", reject);
  });
}

const post = (path: string, key: string, body: unknown) => {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nhost: anxin\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
};

describe.each(engines)("a service that stops, on %s", (engine) => {
  it("answers the request under way, then 503 shutting_down with Retry-After to the one behind it", async () => {
    const app = await startApp(engine);
    const showings = Array.from({ length: 1_000 }, (_, i) => ev("showing.recorded", "2026-03-01T10:30:00+08:00", { showingId: `S${i}`, listingId: "L1", buyerId: `B${i}`, agentId: "A7" }, { id: `show-${i}` }));
    const underWay = new Promise<void>((resolve) => {
      const submitBatch = app.service.submitBatch.bind(app.service);
      vi.spyOn(app.service, "submitBatch").mockImplementation((...args) => {
        resolve();
        return submitBatch(...args);
      });
    });
    let closed: Promise<void> = Promise.resolve();
    const [first, second] = await inTurn(app.base, [post("/v1/events/batch", app.apiKey, { events: [listing(), ...showings.slice(0, 999)] }), post("/v1/events", app.apiKey, showings[999])], async () => {
      await underWay;
      closed = app.close();
    });
    await closed;
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/retry-after: 5/i);
    expect(JSON.parse(second!.slice(second!.indexOf("\r\n\r\n") + 4))).toEqual({ code: "shutting_down", message: "this process is stopping and did not start the request; send it again", field: "" });
  });
});
