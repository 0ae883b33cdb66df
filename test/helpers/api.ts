import { inject } from 'vitest';

/** A small client for the local gateway, with tokens from `POST /_local/token`, cached per email. */
export function apiClient() {
  const baseUrl = inject('apiUrl');
  const tokens = new Map<string, string>();

  async function tokenFor(email: string): Promise<string> {
    let token = tokens.get(email);
    if (!token) {
      const res = await fetch(`${baseUrl}/_local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      if (res.status !== 200) throw new Error(`no token for ${email}: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { token: string }).token;
      tokens.set(email, token);
    }
    return token;
  }

  interface Call {
    as?: string;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  }

  async function call(method: string, path: string, { as, token, body, rawBody, headers = {} }: Call = {}) {
    const bearer = token ?? (as ? await tokenFor(as) : undefined);
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(bearer && { authorization: `Bearer ${bearer}` }),
        ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(rawBody !== undefined
        ? { body: rawBody }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by each test
    const json: any = contentType.includes('json') && text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, json, text };
  }

  return { baseUrl, tokenFor, call };
}
