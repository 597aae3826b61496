// A served process's timed work (the sweep, the weekly reports, the deliveries): never two runs of
// one at once, a failure told and tried again, and a stop that waits for the run under way.
import { describe, expect, it } from "vitest";
import { repeating } from "../../src/cli/repeating.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("work repeated on a timer", () => {
  it("starts no run while one is under way", async () => {
    let underWay = 0;
    let most = 0;
    let runs = 0;
    const loop = repeating(2, async () => {
      most = Math.max(most, ++underWay);
      await pause(15);
      underWay--;
      runs++;
    }, () => {});
    await pause(120);
    await loop.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThan(1);
  });

  it("tells a failed run and tries the next in its turn", async () => {
    const failures: unknown[] = [];
    let runs = 0;
    const loop = repeating(2, async () => {
      if (++runs === 1) throw new Error("the store went away");
    }, (error) => failures.push(error));
    await pause(40);
    await loop.stop();
    expect(failures).toEqual([new Error("the store went away")]);
    expect(runs).toBeGreaterThan(1);
  });

  it("stops once the run under way has ended, and starts none after", async () => {
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => { letGo = resolve; });
    let started = 0;
    let ended = 0;
    const loop = repeating(2, async () => {
      started++;
      await gate;
      ended++;
    }, () => {});
    while (started === 0) await pause(1);
    let stopped = false;
    const stopping = loop.stop().then(() => { stopped = true; });
    await pause(20);
    expect(stopped).toBe(false);
    letGo();
    await stopping;
    expect(ended).toBe(1);
    await pause(20);
    expect(started).toBe(1);
  });
});
