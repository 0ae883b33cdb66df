import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { routeList } from '../../shared/http/routes.ts';
import { apiClient } from '../helpers/api.ts';
import { caseIn, USERS } from '../helpers/cases.ts';

const api = apiClient();

describe('the local gateway serves the route table', () => {
  it('GET /health answers without a token', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('GET /openapi.json lists every route of the table, with its operationId', async () => {
    const res = await api.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const served = Object.entries(
      res.json.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(served.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
  });

  it('answers 404 problem+json for a path outside the table', async () => {
    const res = await api.call('GET', '/cases-inconnues', { as: 'ca.tilleuls@example.org' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json).toMatchObject({ status: 404, instance: '/cases-inconnues' });
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await api.call('DELETE', '/me', { as: 'ca.tilleuls@example.org' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json.type).toBe('/problems/method-not-allowed');
  });

  it('answers 413 for a body over 1 MiB, before reading it as JSON', async () => {
    // fetch refuses a body on GET; a client may still send one, so send it over plain HTTP.
    const body = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });
    const token = await api.tokenFor('ca.tilleuls@example.org');
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${api.baseUrl}/me`, {
        method: 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).type).toBe('/problems/payload-too-large');
  });

  it('answers 413 at the gateway for a body over the 10 MB that API Gateway accepts', async () => {
    const res = await api.call('POST', '/_local/token', { rawBody: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
  });
});

describe('answers that carry case data', () => {
  it('are sent with Cache-Control: no-store, success or problem, on every route behind a token', async () => {
    const c = await caseIn(api, 'brouillon');
    const as = USERS.tilleuls;
    const answers = {
      me: await api.call('GET', '/me', { as }),
      referentiel: await api.call('GET', '/referentiel', { as }),
      create: await api.call('POST', '/cases', { as, body: { centreId: 'cs-tilleuls' } }),
      list: await api.call('GET', '/cases?limit=2', { as }),
      get: await api.call('GET', `/cases/${c.id}`, { as }),
      history: await api.call('GET', `/cases/${c.id}/history`, { as }),
      documents: await api.call('GET', `/cases/${c.id}/documents`, { as }),
      badFiche: await api.call('PUT', `/cases/${c.id}/fiche`, { as, body: { nature: 'x' } }),
      notVisible: await api.call('GET', `/cases/${c.id}`, { as: USERS.oliviers }),
      noToken: await api.call('GET', `/cases/${c.id}`),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, res.status]))).toEqual({
      me: 200,
      referentiel: 200,
      create: 201,
      list: 200,
      get: 200,
      history: 200,
      documents: 200,
      badFiche: 400,
      notVisible: 404,
      noToken: 401,
    });
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers.get('cache-control'), name).toBe('no-store');
    }
    expect((await api.call('GET', '/health')).headers.get('cache-control')).toBeNull();
  });
});

describe('the interactive documentation (local only)', () => {
  it('serves /docs, loading its assets from this server and the OpenAPI document of the table', async () => {
    const page = await api.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    for (const src of page.text.match(/(?:href|src)="([^"]+)"/g) ?? []) {
      const path = src.replace(/^(href|src)="|"$/g, '');
      expect(path.startsWith('/docs/'), path).toBe(true);
      const asset = await api.call('GET', path);
      expect(asset.status, path).toBe(200);
      expect(asset.text.length, path).toBeGreaterThan(10);
    }
    expect((await api.call('GET', '/docs/init.js')).text).toContain("url: '/openapi.json'");
  });
});

describe('the local gateway under hostile requests', () => {
  it('answers a request with a malformed Host header, and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.baseUrl}/health`, { headers: { host: '[' } });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect((await api.call('GET', '/health')).status).toBe(200);
  });
});
