import { apiHandler } from '../../shared/http/api-handler.ts';
import { buildOpenApiDocument } from '../../shared/http/openapi.ts';
import { routeList, routes } from '../../shared/http/routes.ts';

// Built once per container: the route table does not change while it runs.
const document = buildOpenApiDocument(routeList);

export const handler = apiHandler(routes.getOpenApi, async () => ({ body: document }));
