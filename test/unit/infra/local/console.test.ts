import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleSite, safeRelativePath } from '../../../../infra/local/console.ts';
import { createGateway, type LocalRoute } from '../../../../infra/local/gateway.ts';
import { UnauthorizedError } from '../../../../shared/http/problem.ts';
import { routeList } from '../../../../shared/http/routes.ts';

/**
 * The console as the local gateway serves it (DESIGN.md §8, issue 10): files of a build made here
 * in a temporary folder, deep links answered with index.html, /config.json, strict headers, no
 * way out of the build's folder, and the API's paths left to the API.
 */

const S3 = 'http://127.0.0.1:4569';
const CSP = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${S3}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
const INDEX =
  '<!doctype html><html lang="fr"><title>Renfort</title><script type="module" src="/assets/index-4f2a.js"></script></html>';
const SECRET = 'secret outside the build';

const root = mkdtempSync(join(tmpdir(), 'renfort-console-'));
const dist = join(root, 'dist');
const localRoutes: LocalRoute[] = [
  { method: 'POST', path: '/_local/token', run: async () => ({ status: 200, body: { token: 't' } }) },
  {
    method: 'GET',
    path: '/docs',
    run: async () => ({ status: 200, contentType: 'text/html', body: '<p>docs</p>' }),
  },
];

function gatewayOn(distDir: string): Server {
  return createGateway({
    routes: routeList,
    authorize: async () => {
      throw new UnauthorizedError('no token');
    },
    localRoutes,
    site: createConsoleSite({ distDir, connectSrc: [S3], config: { auth: 'local' } }),
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with its path sent as written (fetch would normalise it). */
function raw(
  server: Server,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const listen = (server: Server) =>
  new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

let server: Server;
let unbuilt: Server;
beforeAll(async () => {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-4f2a.js'), 'console.log("renfort");\n');
  writeFileSync(join(dist, 'assets', 'index-9c1b.css'), 'body{margin:0}\n');
  writeFileSync(join(dist, 'assets', 'logo-77aa.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(dist, '.env'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  // A link inside the build that leads out of it.
  symlinkSync(join(root, 'secret.txt'), join(dist, 'assets', 'linked.txt'));
  symlinkSync(root, join(dist, 'up'));
  server = await listen(gatewayOn(dist));
  unbuilt = await listen(gatewayOn(join(root, 'no-such-dist')));
});
afterAll(async () => {
  await Promise.all([close(server), close(unbuilt)]);
  rmSync(root, { recursive: true, force: true });
});

const SECURITY = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

describe('the console at /', () => {
  it('serves index.html at /, not cached without revalidation, with the strict headers', async () => {
    const res = await raw(server, 'GET', '/', { accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      ...SECURITY,
    });
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await raw(server, 'HEAD', '/');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each([
    ['/assets/index-4f2a.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-9c1b.css', 'text/css; charset=utf-8'],
    ['/assets/logo-77aa.svg', 'image/svg+xml'],
  ])('serves %s as %s, cached for a year (its name changes with its content)', async (path, type) => {
    const res = await raw(server, 'GET', path);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
      ...SECURITY,
    });
  });

  it('serves a file at the root of the build, revalidated, and 304 when it has not changed', async () => {
    const first = await raw(server, 'GET', '/favicon.ico');
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'content-type': 'image/x-icon', 'cache-control': 'no-cache' });
    const again = await raw(server, 'GET', '/favicon.ico', { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it.each([
    ['/dossiers/c-01jq8v2k3m4n5p6q7r8s9t0v1w', 'text/html,application/xhtml+xml,*/*;q=0.8'],
    ['/connexion', 'text/html'],
    ['/administration', 'text/html'],
    ['/dossiers/nouveau/', 'text/html'],
    ['/dossiers/c-01jq8v2k3m4n5p6q7r8s9t0v1w', '*/*'],
    ['/administration', ''],
  ])('answers the deep link %s (Accept: %s) with index.html', async (path, accept) => {
    const res = await raw(server, 'GET', path, accept ? { accept } : {});
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-cache', ...SECURITY });
  });

  it('answers a missing file with an extension, or under /assets/, with a 404 problem', async () => {
    for (const path of ['/logo.png', '/assets/index-0000.js', '/assets/nothing', '/robots.txt']) {
      const res = await raw(server, 'GET', path, { accept: 'text/html' });
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toBe('application/problem+json');
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(JSON.parse(res.body), path).toMatchObject({ status: 404, instance: path });
    }
  });

  it('serves /config.json: local sign-in', async () => {
    const res = await raw(server, 'GET', '/config.json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ auth: 'local' });
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', ...SECURITY });
  });

  it('says how to build the console when there is no build, and still serves /config.json', async () => {
    const res = await raw(unbuilt, 'GET', '/', { accept: 'text/html' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).detail).toContain('npm run build:web');
    expect((await raw(unbuilt, 'GET', '/dossiers/c-1', { accept: 'text/html' })).status).toBe(404);
    expect((await raw(unbuilt, 'GET', '/config.json')).status).toBe(200);
  });
});

describe('no way out of the build’s folder', () => {
  it.each([
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/.%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/..%5C..%5Csecret.txt',
    '/..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/secret.txt%00.js',
    '/assets/%00',
    '/%c0%ae%c0%ae/secret.txt',
    '/%ZZ',
    '//secret.txt',
    '/.env',
    '/%2eenv',
    '/assets/linked.txt',
    '/up/secret.txt',
    '/up/dist/index.html',
  ])('%s gives nothing from outside it', async (path) => {
    for (const accept of ['text/html', '*/*']) {
      const res = await raw(server, 'GET', path, { accept });
      expect(res.body, `${path} ${accept}`).not.toContain(SECRET);
      expect(res.body.includes('root:'), `${path} ${accept}`).toBe(false);
      // Refused (400), not found (404), or the console's own page for a path it does not know.
      if (res.status === 200) expect(res.body).toBe(INDEX);
      else expect([400, 404]).toContain(res.status);
    }
  });

  it('refuses encoded separators and dot segments outright', async () => {
    for (const path of [
      '/..%2fsecret.txt',
      '/assets/..%5Csecret.txt',
      '/secret.txt%00.js',
      '/%ZZ',
      '/.env',
    ]) {
      const res = await raw(server, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type'], path).toBe('application/problem+json');
    }
  });

  it.each([
    ['/', ''],
    ['/assets/index-4f2a.js', 'assets/index-4f2a.js'],
    ['//dossiers//c-1/', 'dossiers/c-1'],
    ['/caf%C3%A9.txt', 'café.txt'],
    ['/..%2fsecret', undefined],
    ['/a/%2e%2e/b', undefined],
    ['/a/%2E/b', undefined],
    ['/a%5cb', undefined],
    ['/a%00', undefined],
    ['/%E0%A4%A', undefined],
  ])('safeRelativePath(%s) is %s', (path, expected) => {
    expect(safeRelativePath(path)).toBe(expected);
  });
});

describe('the API’s paths stay the API’s', () => {
  it('serves the route table and the local routes as before', async () => {
    const health = await raw(server, 'GET', '/health', { accept: 'text/html' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect(health.headers['content-security-policy']).toBeUndefined();
    expect((await raw(server, 'GET', '/docs', { accept: 'text/html' })).body).toBe('<p>docs</p>');
    expect((await raw(server, 'GET', '/me', { accept: 'text/html' })).status).toBe(401);
    expect((await raw(server, 'POST', '/_local/token')).status).toBe(200);
  });

  it.each([
    ['GET', '/cases/c-1/inconnu', 'text/html'],
    ['GET', '/admin/rien', 'text/html'],
    ['GET', '/_local/rien', 'text/html'],
    ['GET', '/docs/rien', 'text/html'],
    ['GET', '/openapi.json/x', 'text/html'],
    ['POST', '/dossiers/c-1', 'text/html'],
    ['DELETE', '/', 'text/html'],
  ])('%s %s (Accept: %s) is a 404 problem of the API', async (method, path, accept) => {
    const res = await raw(server, method, path, { accept });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it.each([
    [{ authorization: 'Bearer x' }],
    [{ authorization: 'Bearer x', accept: '*/*' }],
    [{ accept: 'application/json' }],
    [{ accept: 'application/problem+json, application/json;q=0.9' }],
  ])(
    'answers a program calling an unknown path (%o) with a 404 problem, not with the page',
    async (headers) => {
      const res = await raw(server, 'GET', '/cases-inconnues', headers);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 404, instance: '/cases-inconnues' });
    },
  );

  it('keeps 405 for a known path and another method, HEAD included', async () => {
    expect((await raw(server, 'DELETE', '/me')).status).toBe(405);
    expect((await raw(server, 'HEAD', '/health')).status).toBe(405);
  });
});
