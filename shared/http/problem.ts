/**
 * Typed errors of the API. Each one maps to an RFC 9457 problem document;
 * `toProblem` is the only place that decides what a client sees.
 */

export interface FieldError {
  path: string;
  message: string;
}

/**
 * Error answers stay small whatever the input (DESIGN.md §4): a hostile body can make zod report
 * hundreds of thousands of issues, or one message listing 60,000 unknown keys.
 */
export const MAX_ERRORS = 20;
export const MAX_DETAIL = 500;
const MAX_PATH = 120;
const MAX_MESSAGE = 300;

/** Cuts a text to `max` characters, ending with an ellipsis, without splitting a UTF-16 pair. */
function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(value.charAt(cut - 1))) cut -= 1;
  return `${value.slice(0, cut)}…`;
}

/** At most MAX_ERRORS field errors, each path and message cut to a sane length. */
function capped(errors: readonly FieldError[]): FieldError[] {
  return errors.slice(0, MAX_ERRORS).map(({ path, message }) => ({
    path: truncate(path, MAX_PATH),
    message: truncate(message, MAX_MESSAGE),
  }));
}

/** A detail of at most MAX_DETAIL characters that still says how many errors were left out. */
function detailOf(text: string, omitted: number): string {
  const note = omitted > 0 ? ` (${omitted} more errors not listed)` : '';
  return truncate(text, MAX_DETAIL - note.length) + note;
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
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      detail: truncate(this.message, MAX_DETAIL),
    };
  }
}

export class ValidationError extends ProblemError {
  override name = 'ValidationError';
  readonly status = 400;
  readonly slug = 'validation-error';
  readonly title = 'The request is not valid';

  /** The first MAX_ERRORS errors only; the detail says how many more there were. */
  readonly errors: FieldError[];

  constructor(errors: readonly FieldError[], options: ProblemOptions = {}) {
    const shown = capped(errors);
    const text = shown.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    super(detailOf(text, errors.length - shown.length), options);
    this.errors = shown;
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

  /** The first MAX_ERRORS errors only. */
  readonly errors: FieldError[];

  constructor(detail: string, errors: readonly FieldError[] = [], options: ProblemOptions = {}) {
    const shown = capped(errors);
    super(detailOf(detail, errors.length - shown.length), options);
    this.errors = shown;
  }

  override toProblem(): Problem {
    return { ...super.toProblem(), ...(this.errors.length > 0 && { errors: this.errors }) };
  }
}

/** A service Renfort depends on refused for now (a rate limit, a mail that could not leave). */
export class ServiceUnavailableError extends ProblemError {
  override name = 'ServiceUnavailableError';
  readonly status = 503;
  readonly slug = 'service-unavailable';
  readonly title = 'A service is unavailable for now';

  constructor(detail: string, options: ProblemOptions = {}) {
    super(detail, { ...options, headers: { 'retry-after': '30', ...options.headers } });
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
