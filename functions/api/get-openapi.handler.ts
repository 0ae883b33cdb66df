import document from '../../docs/openapi.json' with { type: 'json' };
import { publicHandler } from '../../shared/http/http-handler.ts';
import * as routes from '../../shared/http/routes.ts';

// Generated from the route table at build time (test/unit/http/openapi.test.ts keeps it equal).
export const handler = publicHandler(routes.getOpenApi, async () => ({ body: document }));
