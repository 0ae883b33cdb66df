import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import * as z from '../domain/zod.ts';
import type { RouteDoc } from './route-docs.ts';
import type { RouteSpec } from './routes.ts';

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Malformed request: not JSON, wrong types, unknown fields',
  401: 'No token, or a token that is expired, tampered with or from another issuer',
  403: 'The caller may not do this',
  404: 'Unknown, or not visible to the caller',
  405: 'Method not allowed on this path',
  409: 'Not possible in the current status, or a concurrent change won',
  412: 'If-Match is stale',
  413: 'Body over 1 MiB',
  422: 'A guard failed; the detail says why',
};

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.optional(z.string()),
    correlationId: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  })
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem details' });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

function operation(route: RouteSpec, doc: RouteDoc): ZodOpenApiOperationObject {
  const { params, query, body, headers } = route.request ?? {};
  const problems = [...doc.problems, 500].sort();
  return {
    operationId: route.operationId,
    summary: doc.summary,
    ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(params || query || headers
      ? {
          requestParams: {
            ...(params && { path: params }),
            ...(query && { query }),
            ...(headers && { header: headers }),
          },
        }
      : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: {
      [route.response.status]: {
        description: doc.response.description,
        content: { 'application/json': { schema: doc.response.schema } },
      },
      ...Object.fromEntries(
        problems.map((status) => [
          status,
          problemResponse(PROBLEM_TITLES[status] ?? 'Unexpected error; no detail'),
        ]),
      ),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the route table and its documentation (route-docs.ts), built from
 * the same zod schemas that check requests. Built at build time, not in a function: the unit test
 * keeps docs/openapi.json equal to it, and GET /openapi.json serves that file.
 */
export function buildOpenApiDocument(routes: RouteSpec[], docs: Record<string, RouteDoc>) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const doc = docs[route.operationId];
    if (!doc) throw new Error(`No documentation for ${route.operationId} in route-docs.ts`);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, doc) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Renfort API',
      version: '0.1.0',
      description:
        'Case workflow of the mission de soutien technique renforcé (Caf des Bouches-du-Rhône). ' +
        'Errors are application/problem+json (RFC 9457).',
    },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  });
}
