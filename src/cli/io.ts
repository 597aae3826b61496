// Where the CLI writes: the process's streams, or buffers in tests.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal a progress bar can draw on. */
  interactive: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
};

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
