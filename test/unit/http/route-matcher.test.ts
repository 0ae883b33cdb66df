import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/domain/errors.ts';
import { MethodNotAllowedError } from '../../../shared/http/problem.ts';
import { createRouteMatcher } from '../../../shared/http/route-matcher.ts';
import type { RouteSpec } from '../../../shared/http/routes.ts';

const spec = (method: RouteSpec['method'], path: string): RouteSpec => ({
  operationId: `${method} ${path}`,
  method,
  path,
  auth: 'jwt',
  handler: '',
  group: 'test',
  permissions: [],
  response: { status: 200 },
});

const match = createRouteMatcher([
  spec('GET', '/cases'),
  spec('POST', '/cases'),
  spec('GET', '/cases/{caseId}'),
  spec('GET', '/cases/{caseId}/documents/{documentId}'),
]);

describe('the route matcher', () => {
  it('finds the route and decodes its path parameters', () => {
    const { route, params } = match('GET', '/cases/c%201/documents/d-2');
    expect(route.path).toBe('/cases/{caseId}/documents/{documentId}');
    expect(params).toEqual({ caseId: 'c 1', documentId: 'd-2' });
    expect(match('post', '/cases').route.method).toBe('POST');
  });

  it('is a 404 for a path outside the table, including a partial or longer one', () => {
    for (const path of ['/', '/case', '/cases/c-1/history/x', '/cases/', '/cases/a/b']) {
      expect(() => match('GET', path), path).toThrow(NotFoundError);
    }
  });

  it('is a 404 for a path parameter that is not valid percent-encoding', () => {
    expect(() => match('GET', '/cases/%E0%A4%A')).toThrow(NotFoundError);
  });

  it('is a 405 naming the allowed methods for a known path', () => {
    try {
      match('DELETE', '/cases');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MethodNotAllowedError);
      expect((error as MethodNotAllowedError).allowed).toEqual(['GET', 'POST']);
    }
  });
});
