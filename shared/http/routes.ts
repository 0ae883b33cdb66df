import { z } from 'zod';
import { ROLES } from '../domain/caller.ts';
import { ReferentielSchema } from '../domain/referentiel.ts';

/**
 * The route table: every HTTP route of the API, once. The CDK stack, the local
 * gateway and the OpenAPI document are all derived from it, so they cannot drift.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type Permission = 'table:read' | 'table:write' | 'documents:read' | 'documents:write' | 'mail:send';

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI / API Gateway path template, e.g. `/cases/{caseId}`. */
  path: string;
  summary: string;
  /** `jwt`: API Gateway's JWT authorizer checks the bearer token before the handler runs. */
  auth: 'none' | 'jwt';
  /** Module exporting `handler`, relative to the repository root. */
  handler: string;
  /** Routes of one group share a Lambda function on AWS. */
  group: string;
  /** What the handler touches; the group's function is granted exactly the union of its routes'. */
  permissions: Permission[];
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    /** Header names in lower case, as API Gateway passes them. */
    headers?: z.ZodObject;
  };
  response: { status: 200 | 201; description: string; schema: z.ZodType };
  /** Problem statuses this route can answer, besides 500. */
  problems: number[];
}

function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const MeSchema = z
  .object({
    sub: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    organisationId: z.string(),
  })
  .meta({ id: 'Me' });

const AUTH_PROBLEMS = [401, 403];

export const routes = {
  getHealth: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Liveness of the API',
    auth: 'none',
    handler: 'functions/api/get-health.handler.ts',
    group: 'public',
    permissions: [],
    response: { status: 200, description: 'The API answers', schema: HealthSchema },
    problems: [],
  }),
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    auth: 'none',
    handler: 'functions/api/get-openapi.handler.ts',
    group: 'public',
    permissions: [],
    response: {
      status: 200,
      description: 'The OpenAPI document',
      schema: z
        .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
        .meta({ id: 'OpenApiDocument' }),
    },
    problems: [],
  }),
  getMe: route({
    operationId: 'getMe',
    method: 'GET',
    path: '/me',
    summary: 'The caller: identity, role and organisation',
    auth: 'jwt',
    handler: 'functions/api/get-me.handler.ts',
    group: 'identity',
    permissions: [],
    response: { status: 200, description: 'The caller', schema: MeSchema },
    problems: AUTH_PROBLEMS,
  }),
  getReferentiel: route({
    operationId: 'getReferentiel',
    method: 'GET',
    path: '/referentiel',
    summary: 'Centres, federations, partenaires and prestataires of the dispositif',
    auth: 'jwt',
    handler: 'functions/api/get-referentiel.handler.ts',
    group: 'identity',
    permissions: ['table:read'],
    response: { status: 200, description: 'The reference data', schema: ReferentielSchema },
    problems: AUTH_PROBLEMS,
  }),
} as const;

export type RouteId = keyof typeof routes;
export const routeList: RouteSpec[] = Object.values(routes);
