import type { Context } from 'aws-lambda';
import { type HttpEvent, type HttpResult, problemResult } from '../../shared/http/api-handler.ts';
import { createRouteMatcher } from '../../shared/http/route-matcher.ts';
import { routeList } from '../../shared/http/routes.ts';

const match = createRouteMatcher(routeList);

/**
 * API Gateway's `$default` route: a path outside the route table is a 404,
 * a known path with another method a 405 naming the allowed ones; both as problem+json.
 */
export async function handler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const { method } = event.requestContext.http;
  try {
    match(method, event.rawPath);
    // Only reached if API Gateway sent a routed request here: the stack is misconfigured.
    throw new Error(`${method} ${event.rawPath} reached the fallback handler`);
  } catch (error) {
    return problemResult(error, context.awsRequestId, event.rawPath);
  }
}
