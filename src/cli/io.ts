// Where the CLI writes: the process's streams, or buffers in tests.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal a progress bar can draw on. */
  interactive: boolean;
  /** Like `out`, for output written in many chunks: resolves once the chunk may be followed (a full pipe is waited for). */
  write?(text: string): Promise<void>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
  write: stdoutWriter,
};

/** Writes to stdout, waiting when the pipe is full. */
export function stdoutWriter(chunk: string): Promise<void> {
  if (chunk === "" || process.stdout.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

/** `io.write`, or `io.out` where there is none (a test's buffer). */
export function writerOf(io: Io): (text: string) => Promise<void> {
  return io.write ?? (async (text) => io.out(text));
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

/** A whole number from `min` to `max` given as text (a flag or a variable), or a CliError naming where it came from. */
export function integerSetting(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new CliError(`${name} must be a whole number from ${min} to ${max}, got ${text}`);
  return value;
}
