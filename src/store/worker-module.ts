// Where a worker thread's module is. Under the test runner a module is its TypeScript source, and
// its worker is taken from the build (`npm test` builds first).

/** The compiled module `name` beside `caller` (its import.meta.url). */
export function workerModule(caller: string, name: string): URL {
  const beside = new URL(`./${name}.js`, caller);
  if (!caller.endsWith(".ts")) return beside;
  const at = beside.pathname.lastIndexOf("/src/");
  return new URL(`${beside.pathname.slice(0, at)}/dist${beside.pathname.slice(at)}`, beside);
}
