import type { CallerResolver } from './claims.ts';
import { containerCallerResolver } from './container-caller.ts';
import { type ApiRequest, type ApiResponse, httpHandler } from './http-handler.ts';
import type { RouteSpec } from './routes.ts';

export type { HttpEvent, HttpResult } from './http-handler.ts';

export interface ApiHandlerOptions {
  /** Who the caller is; by default the container's membership lookup (the table, cached 60 s). */
  resolveCaller?: CallerResolver;
}

/**
 * A route's use case wrapped in the shared middy stack (http-handler.ts), the caller resolved
 * from the token's `sub` and its membership. Public routes use `publicHandler` instead, which
 * imports neither the membership repository nor the DynamoDB client.
 */
export function apiHandler<R extends RouteSpec>(
  route: R,
  run: (request: ApiRequest<R>) => Promise<ApiResponse<R>>,
  { resolveCaller }: ApiHandlerOptions = {},
) {
  // The container's resolver is created on the first request, not at import.
  return httpHandler(route, run, resolveCaller ?? ((claims) => containerCallerResolver()(claims)));
}
