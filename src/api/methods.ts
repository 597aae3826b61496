// The methods each path has routes for, so that a request with another method on a path that
// exists is answered 405 with `Allow` (RFC 9110 §15.5.6), not 404 as if the path did not exist:
// an integrator who sends GET to /v1/events learns that the route is there for POST.
export class RouteMethods {
  private readonly routes: Array<{ pattern: RegExp; methods: string[] }> = [];

  /** A route as Fastify registers it (`onRoute`): its method or methods and its URL pattern. */
  add(method: string | string[], url: string): void {
    this.routes.push({ pattern: patternOf(url), methods: Array.isArray(method) ? method : [method] });
  }

  /** The methods some route takes at `path` (no query), in alphabetical order; none if no route has the path. */
  allowedAt(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    return [...methods].sort();
  }
}

/** A Fastify URL pattern as a regular expression: `:name` is one segment, `*` the rest. */
function patternOf(url: string): RegExp {
  const source = url.split("/").map((segment) => {
    if (segment === "*") return ".*";
    if (segment.startsWith(":")) return "[^/]+";
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${source.join("/")}$`);
}
