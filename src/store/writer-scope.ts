// Writes worth a writer of their own: a batch of events, a sweep of deadlines. Inside `onWriter`,
// each engine's driver begins transactions on its writer (SQLite: a connection on a thread of its
// own, sqlite-thread.ts; PostgreSQL: a connection holding the log's lock, postgres-writer.ts),
// sends the statements nobody waits for without waiting, and sends the commit without waiting
// either, so that the next batch is applied while the database writes this one. `onWriter`
// returns once the commits of its own transactions are durable.
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<Promise<void>[]>();

/** Runs `work`, whose transactions begin on the engine's writer; returns once their commits are durable. */
export async function onWriter<T>(work: () => Promise<T>): Promise<T> {
  const commits: Promise<void>[] = [];
  const result = await scope.run(commits, work);
  await Promise.all(commits);
  return result;
}

export const insideWriter = (): boolean => scope.getStore() !== undefined;

/** A commit sent from inside `onWriter`, which returns only once it is durable. */
export function awaitedByWriter(commit: Promise<void>): void {
  const commits = scope.getStore();
  if (commits === undefined) throw new Error("a writer's commit outside onWriter");
  commits.push(commit);
}
