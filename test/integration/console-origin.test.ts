import { describe, expect, inject, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { caseIn, USERS } from '../helpers/cases.ts';
import { requestUpload, SAMPLE } from '../helpers/documents.ts';

/**
 * The console's origin on the local stack (issue 10): the gateway tells it how to sign in, lets
 * its scripts reach the S3 emulator and nothing else, and s3rver takes the presigned uploads a
 * page of that origin sends (with a progress bar, so after a CORS preflight).
 */

const api = apiClient();
const endpoints = inject('endpoints');
const consoleOrigin = `http://localhost:${new URL(api.baseUrl).port}`;

describe('the console’s origin', () => {
  it('reads GET /config.json: sign in locally; its answers allow connections to itself and the S3 emulator only', async () => {
    const res = await api.call('GET', '/config.json');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ auth: 'local' });
    expect(res.json.users).toContainEqual({
      email: 'ca.tilleuls@example.org',
      role: 'gestionnaire',
      organisationId: 'cs-tilleuls',
    });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${new URL(endpoints.s3).origin};`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('may send a presigned upload to s3rver, after a preflight; another origin may not', async () => {
    const c = await caseIn(api, 'brouillon');
    const ticket = await requestUpload(api, USERS.tilleuls, c.id, {
      kind: 'piece_jointe',
      filename: 'bilan.pdf',
    });
    expect(ticket.status, ticket.text).toBe(201);
    const { url } = ticket.json.upload as { url: string };

    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight(consoleOrigin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect((await preflight(`http://127.0.0.1:${new URL(api.baseUrl).port}`)).status).toBe(200);
    expect((await preflight('https://site-malveillant.example')).status).toBe(403);

    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.json.upload.fields as Record<string, string>))
      form.append(name, value);
    form.append('file', new Blob([new Uint8Array(SAMPLE.pdf)], { type: 'application/pdf' }), 'bilan.pdf');
    const stored = await fetch(url, { method: 'POST', body: form, headers: { origin: consoleOrigin } });
    expect(stored.status).toBeLessThan(300);
    expect(stored.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
  });
});
