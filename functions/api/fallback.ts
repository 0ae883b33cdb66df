import type { Context } from 'aws-lambda';
import { type HttpEvent, type HttpResult, problemResult } from '../../shared/http/http-handler.ts';
import { createRouteMatcher, type RoutePath } from '../../shared/http/route-matcher.ts';

/**
 * API Gateway's `$default` route: a path outside the route table is a 404,
 * a known path with another method a 405 naming the allowed ones; both as problem+json.
 * Its entry is generated from the table (infra/stacks/group-entries.ts) with the methods and
 * paths alone, so that the fallback function carries no schema of the table.
 */
export function fallbackHandlerOf(routes: RoutePath[]) {
  const match = createRouteMatcher(routes);
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const { method } = event.requestContext.http;
    try {
      match(method, event.rawPath);
      // Only reached if API Gateway sent a routed request here: the stack is misconfigured.
      throw new Error(`${method} ${event.rawPath} reached the fallback handler`);
    } catch (error) {
      return problemResult(error, context.awsRequestId, event.rawPath);
    }
  };
}
