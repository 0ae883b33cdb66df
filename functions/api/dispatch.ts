import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../shared/http/http-handler.ts';

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The entry of a Lambda that serves a group of routes: API Gateway names the matched
 * route in `routeKey` ("GET /me"), which picks the route's own handler.
 */
export function dispatchByRouteKey(handlers: Record<string, Handler>): Handler {
  return async (event, context) => {
    const handler = handlers[event.routeKey];
    if (!handler) throw new Error(`No handler in this function for ${event.routeKey}`);
    return handler(event, context);
  };
}
