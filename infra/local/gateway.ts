import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { NotFoundError } from '../../shared/domain/errors.ts';
import type { JwtClaims } from '../../shared/http/claims.ts';
import { type HttpEvent, type HttpResult, problemResult } from '../../shared/http/http-handler.ts';
import { PayloadTooLargeError } from '../../shared/http/problem.ts';
import { createRouteMatcher, type RouteMatch } from '../../shared/http/route-matcher.ts';
import type { RouteSpec } from '../../shared/http/routes.ts';
import type { ConsoleSite } from './console.ts';

/** API Gateway HTTP APIs refuse bodies over 10 MB before any Lambda runs. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

type LambdaHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** A local-only route answered by the gateway itself (never deployed). */
export interface LocalRoute {
  method: string;
  path: string;
  /** Answers JSON (or raw bytes when a content type is given), or throws an error of the problem table (shared/http/problem.ts). */
  run: (body: string) => Promise<{ status: number; body: unknown; contentType?: string }>;
}

export interface GatewayOptions {
  routes: RouteSpec[];
  /** Verifies the bearer token and returns its claims, or throws UnauthorizedError. */
  authorize: (authorization: string | undefined) => Promise<JwtClaims>;
  localRoutes?: LocalRoute[];
  /**
   * The console, for GET and HEAD of a path outside the API: neither a route of the table nor a
   * local route, nor under one of their first segments (`/cases/…`, `/admin/…`, `/_local/…`,
   * `/docs/…`). Without it such a path is a 404, as on API Gateway.
   */
  site?: ConsoleSite;
  /** One line per request; silent when absent. */
  log?: (line: string) => void;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) throw new PayloadTooLargeError('The request body exceeds 10 MB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(application\/(json|[\w.+-]+\+json|x-www-form-urlencoded)|text\/)/i;

/** The payload format 2.0 event API Gateway would hand to the Lambda. */
function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: RouteSpec,
  params: Record<string, string>,
  claims?: JwtClaims,
): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    body: body.length > 0 ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: !isText,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as HttpEvent;
}

function lambdaContext(route: RouteSpec, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `renfort-${route.group}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:renfort-${route.group}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/renfort-${route.group}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function send(res: ServerResponse, result: HttpResult): void {
  const body = result.body ?? '';
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * The local stand-in for API Gateway (HTTP API): routes by the route table, runs the JWT
 * authorizer's checks, builds the v2.0 event and calls the same handler module Lambda runs.
 */
export function createGateway({ routes, authorize, localRoutes = [], site, log }: GatewayOptions): Server {
  const match = createRouteMatcher(routes);
  // The API's first segments: a path under one of them is the API's, found or not.
  const apiSegments = new Set([...routes, ...localRoutes].map((r) => r.path.split('/')[1]));
  const forSite = (method: string, path: string) =>
    site !== undefined && (method === 'GET' || method === 'HEAD') && !apiSegments.has(path.split('/')[1]);
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const load = (module: string) => {
    let handler = handlers.get(module);
    if (!handler) {
      handler = import(pathToFileURL(join(REPO_ROOT, module)).href).then((m) => m.handler as LambdaHandler);
      handlers.set(module, handler);
    }
    return handler;
  };

  return createServer(async (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    // The path alone, on a fixed base: a hostile Host header cannot break the parse.
    let url = new URL('http://localhost/');
    let result: HttpResult;
    try {
      url = new URL(`http://localhost${req.url?.startsWith('/') ? req.url : '/'}`);
      const body = await readBody(req);
      const local = localRoutes.find((r) => r.method === method && r.path === url.pathname);
      if (local) {
        const answer = await local.run(body.toString('utf8'));
        const raw = answer.contentType !== undefined;
        result = {
          statusCode: answer.status,
          // A token, or a local page: nothing for a cache to keep.
          headers: { 'content-type': answer.contentType ?? 'application/json', 'cache-control': 'no-store' },
          body: raw
            ? Buffer.from(answer.body as string | Buffer).toString('base64')
            : JSON.stringify(answer.body),
          isBase64Encoded: raw,
        };
      } else {
        let found: RouteMatch | undefined;
        try {
          found = match(method, url.pathname);
        } catch (error) {
          if (!(error instanceof NotFoundError && forSite(method, url.pathname))) throw error;
        }
        if (found) {
          const { route, params } = found;
          const claims = route.auth === 'jwt' ? await authorize(req.headers.authorization) : undefined;
          const event = toEvent(req, url, body, route, params, claims);
          const handler = await load(route.handler);
          result = await handler(event, lambdaContext(route, event.requestContext.requestId));
        } else {
          result = await (site as ConsoleSite)({
            method: method as 'GET' | 'HEAD',
            pathname: url.pathname,
            headers: {
              accept: req.headers.accept,
              authorization: req.headers.authorization,
              'if-none-match': req.headers['if-none-match'],
            },
          });
        }
      }
    } catch (error) {
      result = problemResult(error, requestId, url.pathname);
    }
    send(res, result);
    log?.(`${method} ${url.pathname} ${result.statusCode} ${(performance.now() - started).toFixed(0)}ms`);
  });
}
