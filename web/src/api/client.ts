import { currentToken, dropSession } from '../auth/session.ts';
import { apiBase } from '../config.ts';

/** A problem+json answer of the API (RFC 9457), with the fields it names. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** What a refusal means to the user, in French; the API's own detail only where it is about the request. */
export function frenchMessage(problem: Problem): string {
  if (problem.status === 401) return 'Votre session a expiré : reconnectez-vous.';
  if (problem.status === 403 && /no active membership/i.test(problem.detail ?? '')) {
    return 'Votre compte n’a pas d’accès actif à Renfort : adressez-vous à la coordination de la Caf.';
  }
  if (problem.status === 0 || problem.status >= 500) {
    return 'Le service ne répond pas pour le moment : réessayez dans un instant.';
  }
  return problem.detail ?? problem.title;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(frenchMessage(problem));
  }
  get status() {
    return this.problem.status;
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the API with the session's token; a problem answer becomes an `ApiError`. */
export async function api<T>(
  path: string,
  { method = 'GET', body, headers = {}, signal }: CallOptions = {},
): Promise<T> {
  const token = await currentToken();
  let res: Response;
  try {
    res = await fetch(`${await apiBase()}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(signal && { signal }),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ title: 'Network error', status: 0 });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not the API's JSON (a proxy's error page): said as the service not answering.
    json = undefined;
    if (res.ok) throw new ApiError({ title: 'Unexpected answer', status: 502 });
  }
  if (res.status === 401) {
    // The session is over (expired, refused): back to the sign-in, then to this very page.
    await dropSession();
    const back = `${window.location.pathname}${window.location.search}`;
    window.location.assign(`/connexion?retour=${encodeURIComponent(back)}`);
  }
  if (!res.ok) {
    const problem = (json ?? {}) as Partial<Problem>;
    throw new ApiError({ title: problem.title ?? res.statusText, status: res.status, ...problem } as Problem);
  }
  return json as T;
}
