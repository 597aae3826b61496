// Worker threads: where a worker's module is, and the batches a reading worker posts, taken in
// order. Under the test runner a module is its TypeScript source, and its worker is taken from the
// build (`npm test` builds first).
import { Worker, type MessagePort } from "node:worker_threads";

/** The compiled module `name` beside `caller` (its import.meta.url). */
export function workerModule(caller: string, name: string): URL {
  const beside = new URL(`./${name}.js`, caller);
  if (!caller.endsWith(".ts")) return beside;
  const at = beside.pathname.lastIndexOf("/src/");
  return new URL(`${beside.pathname.slice(0, at)}/dist${beside.pathname.slice(at)}`, beside);
}

/**
 * A reading worker's side of PostedBatches: it may post `window` batches ahead of those taken.
 * The function returned resolves once a batch may be posted, and counts it posted.
 */
export function creditsFrom(port: MessagePort, window: number): () => Promise<void> {
  let credits = window;
  let resume: (() => void) | null = null;
  port.on("message", () => {
    credits++;
    resume?.();
    resume = null;
  });
  return async () => {
    while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
    credits--;
  };
}

/**
 * The batches a worker posts, then null at its end. Each batch taken is answered "more", a credit
 * for the worker to read ahead by (it holds a window of them). The worker's error, or its exit
 * before the end, ends the iteration with an error; `close` stops it, read to the end or not.
 */
export class PostedBatches<T> implements AsyncIterable<T> {
  private readonly arrived: Array<T | null> = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly worker: Worker, stoppedEarly: string) {
    worker.on("message", (batch: T | null) => {
      this.arrived.push(batch);
      this.notify();
    });
    worker.on("error", (error) => {
      this.failure ??= error;
      this.notify();
    });
    worker.on("exit", () => {
      this.failure ??= new Error(stoppedEarly);
      this.notify();
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        while (this.arrived.length === 0 && this.failure === null) await new Promise<void>((resolve) => (this.wake = resolve));
        const batch = this.arrived.shift();
        if (batch === undefined) throw this.failure;
        if (batch === null) return;
        this.worker.postMessage("more");
        yield batch;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.worker.terminate();
    this.worker.removeAllListeners();
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
