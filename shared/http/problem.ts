/**
 * Typed errors of the API. Each one maps to an RFC 9457 problem document;
 * `toProblem` is the only place that decides what a client sees.
 */

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  instance?: string;
  correlationId?: string;
}

interface ProblemOptions {
  cause?: unknown;
  headers?: Record<string, string>;
}

export abstract class ProblemError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  abstract readonly title: string;
  readonly headers: Record<string, string>;

  constructor(detail: string, options: ProblemOptions = {}) {
    super(detail, { cause: options.cause });
    this.headers = options.headers ?? {};
  }

  toProblem(): Problem {
    return { type: `/problems/${this.slug}`, title: this.title, status: this.status, detail: this.message };
  }
}

export class ValidationError extends ProblemError {
  override name = 'ValidationError';
  readonly status = 400;
  readonly slug = 'validation-error';
  readonly title = 'The request is not valid';

  constructor(
    readonly errors: FieldError[],
    options: ProblemOptions = {},
  ) {
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '), options);
  }

  override toProblem(): Problem {
    return { ...super.toProblem(), errors: this.errors };
  }
}

export class MalformedBodyError extends ProblemError {
  override name = 'MalformedBodyError';
  readonly status = 400;
  readonly slug = 'malformed-body';
  readonly title = 'The request body is not valid JSON';
}

export class UnauthorizedError extends ProblemError {
  override name = 'UnauthorizedError';
  readonly status = 401;
  readonly slug = 'unauthorized';
  readonly title = 'Authentication is required';

  constructor(detail: string, options: ProblemOptions = {}) {
    super(detail, { ...options, headers: { 'www-authenticate': 'Bearer', ...options.headers } });
  }
}

export class ForbiddenError extends ProblemError {
  override name = 'ForbiddenError';
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'This action is not allowed for you';
}

export class NotFoundError extends ProblemError {
  override name = 'NotFoundError';
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found';
}

export class MethodNotAllowedError extends ProblemError {
  override name = 'MethodNotAllowedError';
  readonly status = 405;
  readonly slug = 'method-not-allowed';
  readonly title = 'Method not allowed';

  constructor(method: string, path: string, allowed: string[]) {
    super(`${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends ProblemError {
  override name = 'ConflictError';
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'Not possible in the current state';
}

export class PreconditionFailedError extends ProblemError {
  override name = 'PreconditionFailedError';
  readonly status = 412;
  readonly slug = 'precondition-failed';
  readonly title = 'The resource has changed';
}

export class PayloadTooLargeError extends ProblemError {
  override name = 'PayloadTooLargeError';
  readonly status = 413;
  readonly slug = 'payload-too-large';
  readonly title = 'The request body is too large';
}

export class UnprocessableError extends ProblemError {
  override name = 'UnprocessableError';
  readonly status = 422;
  readonly slug = 'unprocessable';
  readonly title = 'The request cannot be carried out';

  constructor(
    detail: string,
    readonly errors: FieldError[] = [],
    options: ProblemOptions = {},
  ) {
    super(detail, options);
  }

  override toProblem(): Problem {
    return { ...super.toProblem(), ...(this.errors.length > 0 && { errors: this.errors }) };
  }
}

/** The answer for anything unexpected: no message, no stack, only an id to find the log line. */
export function internalProblem(correlationId: string): Problem {
  return {
    type: '/problems/internal-error',
    title: 'Internal error',
    status: 500,
    detail: `An unexpected error occurred; quote ${correlationId} to the support.`,
    correlationId,
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
