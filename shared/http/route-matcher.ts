import { NotFoundError } from '../domain/errors.ts';
import { MethodNotAllowedError } from './problem.ts';
import type { RouteSpec } from './routes.ts';

/** What the matcher reads of a route: the fallback function passes no more than this. */
export type RoutePath = Pick<RouteSpec, 'method' | 'path'>;

interface CompiledRoute<R extends RoutePath> {
  route: R;
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch<R extends RoutePath = RouteSpec> {
  route: R;
  params: Record<string, string>;
}

function compile<R extends RoutePath>(route: R): CompiledRoute<R> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/**
 * Finds the route for a request as API Gateway does: a path with no route is a 404,
 * a path whose routes take other methods is a 405 naming them.
 */
export function createRouteMatcher<R extends RoutePath>(routes: R[]) {
  const compiled = routes.map(compile);
  return (method: string, path: string): RouteMatch<R> => {
    const onPath = compiled.flatMap(({ route, pattern, names }) => {
      const found = pattern.exec(path);
      if (!found) return [];
      try {
        const params = Object.fromEntries(
          names.map((name, i) => [name, decodeURIComponent(found[i + 1] as string)]),
        );
        return [{ route, params }];
      } catch {
        return []; // malformed percent-encoding names nothing
      }
    });
    if (onPath.length === 0) throw new NotFoundError(`No route for ${path}.`);
    const match = onPath.find(({ route }) => route.method === method.toUpperCase());
    if (!match)
      throw new MethodNotAllowedError(method, path, [...new Set(onPath.map(({ route }) => route.method))]);
    return match;
  };
}
