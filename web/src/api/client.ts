import { currentToken } from '../auth/session.ts';
import { apiBase } from '../config.ts';

/** A problem+json answer of the API (RFC 9457), with the fields it names. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
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
  const res = await fetch(`${await apiBase()}${path}`, {
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
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (json ?? {}) as Partial<Problem>;
    throw new ApiError({ title: problem.title ?? res.statusText, status: res.status, ...problem } as Problem);
  }
  return json as T;
}
