// Work a served process repeats on a timer: the deadline sweep, the owners' weekly reports, the
// webhook deliveries. A run still under way when the timer fires is not joined by another, and a
// stop waits for it: stopped in a weekly run, a process held the week's lease ten minutes.

export interface Repeating {
  /** No run starts after this; resolves once the one under way, if any, has ended. */
  stop(): Promise<void>;
}

/** Runs `work` every `everyMs`, never two at once; a failed run is told to `failed` and the next tried in its turn. */
export function repeating(everyMs: number, work: () => Promise<unknown>, failed: (error: unknown) => void): Repeating {
  let underWay: Promise<void> | null = null;
  const timer = setInterval(() => {
    underWay ??= work().then(() => undefined, failed).finally(() => { underWay = null; });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await underWay;
    },
  };
}
