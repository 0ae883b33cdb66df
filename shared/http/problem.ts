import {
  type FieldError,
  InvalidInputError,
  NotAllowedError,
  NotFoundError,
  NotPossibleNowError,
  RuleViolationError,
  ServiceUnavailableError,
  StaleVersionError,
} from '../domain/errors.ts';

/**
 * What a client sees of an error: RFC 9457 problem documents. `PROBLEM_TYPES` is the one table
 * that maps an error class (of the domain, or of HTTP itself) to its answer.
 */

/** The body is not JSON at all (its fields are never looked at). */
export class MalformedBodyError extends Error {
  override name = 'MalformedBodyError';
}

/** No verified token: who calls is unknown. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** A path whose routes take other methods. */
export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError';

  constructor(
    method: string,
    path: string,
    readonly allowed: string[],
  ) {
    super(`${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
  }
}

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
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

/** How one class of error is answered. The detail is the error's message unless `detail` says otherwise. */
interface ProblemType<E extends Error> {
  error: abstract new (...args: never[]) => E;
  status: number;
  slug: string;
  title: string;
  /** The fields the answer lists (the first MAX_ERRORS; the detail counts the others). */
  errors?: (error: E) => readonly FieldError[];
  /** The detail, from the fields listed, when the message is not it. */
  detail?: (listed: FieldError[]) => string;
  headers?: (error: E) => Record<string, string>;
}

const problemType = <E extends Error>(type: ProblemType<E>) => type as unknown as ProblemType<Error>;

/** Every error a client may be told about, and its answer; anything else is a bare 500. */
const PROBLEM_TYPES: ProblemType<Error>[] = [
  problemType({
    error: InvalidInputError,
    status: 400,
    slug: 'validation-error',
    title: 'The request is not valid',
    errors: (error) => error.errors,
    detail: (listed) => listed.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
  }),
  problemType({
    error: MalformedBodyError,
    status: 400,
    slug: 'malformed-body',
    title: 'The request body is not valid JSON',
  }),
  problemType({
    error: UnauthorizedError,
    status: 401,
    slug: 'unauthorized',
    title: 'Authentication is required',
    headers: () => ({ 'www-authenticate': 'Bearer' }),
  }),
  problemType({
    error: NotAllowedError,
    status: 403,
    slug: 'forbidden',
    title: 'This action is not allowed for you',
  }),
  problemType({ error: NotFoundError, status: 404, slug: 'not-found', title: 'Not found' }),
  problemType({
    error: MethodNotAllowedError,
    status: 405,
    slug: 'method-not-allowed',
    title: 'Method not allowed',
    headers: (error) => ({ allow: error.allowed.join(', ') }),
  }),
  problemType({
    error: NotPossibleNowError,
    status: 409,
    slug: 'conflict',
    title: 'Not possible in the current state',
  }),
  problemType({
    error: StaleVersionError,
    status: 412,
    slug: 'precondition-failed',
    title: 'The resource has changed',
  }),
  problemType({
    error: PayloadTooLargeError,
    status: 413,
    slug: 'payload-too-large',
    title: 'The request body is too large',
  }),
  problemType({
    error: RuleViolationError,
    status: 422,
    slug: 'unprocessable',
    title: 'The request cannot be carried out',
    errors: (error) => error.violations,
  }),
  problemType({
    error: ServiceUnavailableError,
    status: 503,
    slug: 'service-unavailable',
    title: 'A service is unavailable for now',
    headers: () => ({ 'retry-after': '30' }),
  }),
];

/** The answer to an error of the table, its size capped; undefined for anything else (a 500). */
export function problemFor(
  error: unknown,
): { problem: Problem; headers: Record<string, string> } | undefined {
  const type = PROBLEM_TYPES.find((t) => error instanceof t.error);
  if (!type) return undefined;
  const known = error as Error;
  const all = type.errors?.(known) ?? [];
  const listed = capped(all);
  const text = type.detail ? type.detail(listed) : known.message;
  return {
    problem: {
      type: `/problems/${type.slug}`,
      title: type.title,
      status: type.status,
      detail: detailOf(text, all.length - listed.length),
      ...(listed.length > 0 && { errors: listed }),
    },
    headers: type.headers?.(known) ?? {},
  };
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
