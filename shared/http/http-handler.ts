import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Caller } from '../domain/caller.ts';
import { type FieldError, InvalidInputError, NotFoundError } from '../domain/errors.ts';
import type * as z from '../domain/zod.ts';
import { logger } from '../logger.ts';
import type { CallerResolver } from './claims.ts';
import {
  internalProblem,
  MalformedBodyError,
  PayloadTooLargeError,
  PROBLEM_CONTENT_TYPE,
  problemFor,
} from './problem.ts';
import type { RouteDocs } from './route-docs.ts';
import type { RouteSpec } from './routes.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Largest JSON body the API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

type Infer<T> = T extends z.ZodMiniType ? z.output<T> : undefined;
type RequestPart<R extends RouteSpec, K extends 'params' | 'query' | 'body' | 'headers'> =
  R['request'] extends Record<K, infer S> ? Infer<S> : undefined;

/** What a handler receives: the caller, and its input checked against the route's schemas. */
export interface ApiRequest<R extends RouteSpec> {
  caller: R['auth'] extends 'jwt' ? Caller : undefined;
  params: RequestPart<R, 'params'>;
  query: RequestPart<R, 'query'>;
  /**
   * The body and headers, parsed and checked (400 otherwise). A function, so that the handler
   * first finds the resource: for a case the caller may not see, 404 comes before any 400.
   */
  input: () => { body: RequestPart<R, 'body'>; headers: RequestPart<R, 'headers'> };
  requestId: string;
}

/** The schema of a route's answer, from its documentation; a route outside the table answers anything. */
type ResponseSchema<R extends RouteSpec> = R['operationId'] extends keyof RouteDocs
  ? RouteDocs[R['operationId']]['response']['schema']
  : z.ZodMiniUnknown;

export interface ApiResponse<R extends RouteSpec> {
  body: z.input<ResponseSchema<R>>;
  headers?: Record<string, string>;
}

interface ApiContext extends Context {
  api: {
    caller?: Caller;
    params?: unknown;
    query?: unknown;
    input: () => { body: unknown; headers: unknown };
  };
}

type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, ApiContext>;

function fieldErrors(location: string, error: z.core.$ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Answers that carry case data (every route behind a token) are kept by no cache (DESIGN.md §4). */
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The HTTP answer for an error: one of the table of problem.ts as its problem+json, anything else
 * logged and answered as a bare 500 that carries only a correlation id.
 */
export function problemResult(error: unknown, correlationId: string, instance: string): HttpResult {
  const known = problemFor(error);
  if (!known) logger.error('unexpected error', { error: error as Error, correlationId });
  const { problem, headers } = known ?? { problem: internalProblem(correlationId), headers: {} };
  return {
    statusCode: problem.status,
    // An error answer may name case data, and is never worth caching.
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers, ...NO_STORE },
    body: JSON.stringify({ ...problem, instance }),
  };
}

const problemResponses = (): Middleware => ({
  onError: (request) => {
    const { event } = request;
    request.response = problemResult(
      request.error,
      event.requestContext?.requestId ?? randomUUID(),
      event.rawPath,
    );
  },
});

const authenticatedCaller = (resolveCaller: CallerResolver): Middleware => ({
  before: async (request) => {
    const claims = request.event.requestContext.authorizer?.jwt?.claims;
    request.context.api.caller = await resolveCaller(claims);
  },
});

/**
 * Path parameters first (a malformed id names nothing that exists: 404), then the query (400),
 * the size of the body (413). The body and headers are checked when the handler reads them.
 */
const validatedInput = (route: RouteSpec): Middleware => ({
  before: (request) => {
    const { event, context } = request;
    const { params, query, body, headers } = route.request ?? {};
    const text = bodyText(event);
    if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(`The body exceeds ${MAX_BODY_BYTES} bytes.`);
    }
    if (params) {
      const parsed = params.safeParse(event.pathParameters ?? {});
      if (!parsed.success) throw new NotFoundError(`No resource at ${event.rawPath}.`);
      context.api.params = parsed.data;
    }
    if (query) {
      const parsed = query.safeParse(event.queryStringParameters ?? {});
      if (!parsed.success) throw new InvalidInputError(fieldErrors('query', parsed.error));
      context.api.query = parsed.data;
    }
    let checked: { body: unknown; headers: unknown } | undefined;
    context.api.input = () => {
      if (checked) return checked;
      // concat, never push(...issues): a hostile body yields more issues than a call takes arguments.
      let errors: FieldError[] = [];
      let parsedHeaders: unknown;
      if (headers) {
        const parsed = headers.safeParse(event.headers ?? {});
        if (parsed.success) parsedHeaders = parsed.data;
        else errors = errors.concat(fieldErrors('headers', parsed.error));
      }
      let parsedBody: unknown;
      if (body) {
        const parsed = body.safeParse(parseJson(text));
        if (parsed.success) parsedBody = parsed.data;
        else errors = errors.concat(fieldErrors('body', parsed.error));
      }
      if (errors.length > 0) throw new InvalidInputError(errors);
      checked = { body: parsedBody, headers: parsedHeaders };
      return checked;
    };
  },
});

function bodyText(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MalformedBodyError('The request body could not be parsed as JSON.', { cause });
  }
}

/**
 * The one middy stack every API handler shares: logging with the request id → problem+json
 * errors → for a route behind a token, the caller from its `sub` and membership (`resolveCaller`)
 * → path, query and body checked by the route's zod schemas → JSON response. Neither it nor its
 * imports touch the store: a JWT route gets its resolver from api-handler.ts, a public one needs none.
 */
export function httpHandler<R extends RouteSpec>(
  route: R,
  run: (request: ApiRequest<R>) => Promise<ApiResponse<R>>,
  resolveCaller?: CallerResolver,
) {
  if (route.auth === 'jwt' && !resolveCaller) {
    throw new Error(`${route.operationId} needs a token: its handler needs a caller resolver`);
  }
  const stack = middy<HttpEvent, HttpResult, Error, ApiContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request) => {
        request.context.api = { input: () => ({ body: undefined, headers: undefined }) };
        logger.appendKeys({
          requestId: request.event.requestContext.requestId,
          operationId: route.operationId,
        });
      },
    })
    .use(problemResponses());
  if (route.auth === 'jwt' && resolveCaller) stack.use(authenticatedCaller(resolveCaller));
  return stack.use(validatedInput(route)).handler(async (event, context): Promise<HttpResult> => {
    const { api } = context;
    const result = await run({
      caller: api.caller,
      params: api.params,
      query: api.query,
      input: api.input,
      requestId: event.requestContext.requestId,
    } as ApiRequest<R>);
    return {
      statusCode: route.response.status,
      headers: {
        'content-type': 'application/json',
        ...result.headers,
        ...(route.auth === 'jwt' && NO_STORE),
      },
      body: JSON.stringify(result.body),
    };
  });
}

/** The handler of a public route (`auth: 'none'`): the same stack, without any caller. */
export function publicHandler<R extends RouteSpec & { auth: 'none' }>(
  route: R,
  run: (request: ApiRequest<R>) => Promise<ApiResponse<R>>,
) {
  return httpHandler(route, run);
}
