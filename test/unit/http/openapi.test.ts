import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../shared/http/openapi.ts';
import { routeDocs } from '../../../shared/http/route-docs.ts';
import { routeList } from '../../../shared/http/routes.ts';

const document = buildOpenApiDocument(routeList, routeDocs);

describe('the OpenAPI document', () => {
  it('has one operation per route of the table, no more', () => {
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { operationId: string }>).map(
        ([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`,
      ),
    );
    expect(operations.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
  });

  it('asks for a bearer token exactly on the routes that need one, and documents their problems', () => {
    for (const route of routeList) {
      const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.security, route.operationId).toEqual(route.auth === 'jwt' ? [{ bearer: [] }] : []);
      const statuses = Object.keys(op?.responses as object);
      const { problems } = routeDocs[route.operationId as keyof typeof routeDocs];
      expect(statuses, route.operationId).toEqual(
        expect.arrayContaining([String(route.response.status), '500', ...problems.map(String)]),
      );
    }
  });

  it('is the committed docs/openapi.json, which GET /openapi.json serves (a change to the API shows in review)', async () => {
    await expect(
      `${JSON.stringify(document, null, 2)}\n`,
      'docs/openapi.json is not the document the route table makes: `npx vitest run test/unit/http/openapi.test.ts -u` writes it again',
    ).toMatchFileSnapshot('../../../docs/openapi.json');
  });
});
