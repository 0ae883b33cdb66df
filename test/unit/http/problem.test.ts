import { describe, expect, it } from 'vitest';
import {
  type FieldError,
  InvalidInputError,
  NotAllowedError,
  NotFoundError,
  NotPossibleNowError,
  RuleViolationError,
  ServiceUnavailableError,
  StaleVersionError,
} from '../../../shared/domain/errors.ts';
import {
  MAX_DETAIL,
  MAX_ERRORS,
  MalformedBodyError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  type Problem,
  problemFor,
  UnauthorizedError,
} from '../../../shared/http/problem.ts';

/** The problem document of an error the table knows. */
function problemOf(error: Error): Problem {
  const answer = problemFor(error);
  if (!answer) throw new Error(`${error.name} is not in the table`);
  return answer.problem;
}

const MAX_ANSWER_BYTES = 64 * 1024;
const answerBytes = (error: Error) =>
  Buffer.byteLength(JSON.stringify({ ...problemOf(error), instance: '/cases/c-1/fiche' }));

describe('one table maps each error to its answer', () => {
  it('answers each error with the status, type and title it has always had', () => {
    const answers: [Error, number, string, string, Record<string, string>?][] = [
      [
        new InvalidInputError([{ path: 'body', message: 'x' }]),
        400,
        'validation-error',
        'The request is not valid',
      ],
      [new MalformedBodyError('x'), 400, 'malformed-body', 'The request body is not valid JSON'],
      [
        new UnauthorizedError('x'),
        401,
        'unauthorized',
        'Authentication is required',
        { 'www-authenticate': 'Bearer' },
      ],
      [new NotAllowedError('x'), 403, 'forbidden', 'This action is not allowed for you'],
      [new NotFoundError('x'), 404, 'not-found', 'Not found'],
      [
        new MethodNotAllowedError('DELETE', '/cases', ['GET', 'POST']),
        405,
        'method-not-allowed',
        'Method not allowed',
        { allow: 'GET, POST' },
      ],
      [new NotPossibleNowError('x'), 409, 'conflict', 'Not possible in the current state'],
      [new StaleVersionError('x'), 412, 'precondition-failed', 'The resource has changed'],
      [new PayloadTooLargeError('x'), 413, 'payload-too-large', 'The request body is too large'],
      [new RuleViolationError('x'), 422, 'unprocessable', 'The request cannot be carried out'],
      [
        new ServiceUnavailableError('x'),
        503,
        'service-unavailable',
        'A service is unavailable for now',
        { 'retry-after': '30' },
      ],
    ];
    for (const [error, status, slug, title, headers = {}] of answers) {
      expect(problemFor(error), error.name).toEqual({
        problem: expect.objectContaining({ type: `/problems/${slug}`, title, status }),
        headers,
      });
    }
  });

  it('keeps the message as the detail, and lists a 422’s violations only when it has some', () => {
    expect(problemOf(new NotPossibleNowError('Le dossier n’est plus en brouillon.'))).toEqual({
      type: '/problems/conflict',
      title: 'Not possible in the current state',
      status: 409,
      detail: 'Le dossier n’est plus en brouillon.',
    });
    expect(problemOf(new RuleViolationError('Refused.'))).not.toHaveProperty('errors');
    const violations = [{ path: 'body.avis', message: 'Already given' }];
    expect(problemOf(new RuleViolationError('Refused.', violations)).errors).toEqual(violations);
  });

  it('knows nothing else: an unexpected error has no answer of its own (a bare 500)', () => {
    expect(problemFor(new Error('secret'))).toBeUndefined();
    expect(problemFor('a string')).toBeUndefined();
  });
});

/** The worst text for the size of an answer: control characters, each escaped as \uXXXX in JSON. */
const worst = (length: number) => '\u0001'.repeat(length);

describe('error answers stay small whatever the input', () => {
  it('lists at most 20 field errors and says in the detail how many more there were', () => {
    const errors = Array.from({ length: 130_000 }, (_, i) => ({
      path: `body.domaines.${i}`,
      message: 'Invalid option: expected one of "gestion_financiere"|"gouvernance"',
    }));
    const problem = problemOf(new InvalidInputError(errors));
    expect(problem.errors).toHaveLength(MAX_ERRORS);
    expect(problem.errors?.[0]).toEqual(errors[0]);
    expect(problem.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
    expect(problem.detail).toMatch(/^body\.domaines\.0: Invalid option/);
    expect(problem.detail).toMatch(/\(129980 more errors not listed\)$/);
  });

  it('keeps a short answer as it is', () => {
    const errors = [{ path: 'body.nature', message: 'Invalid option' }];
    expect(problemOf(new InvalidInputError(errors))).toMatchObject({
      detail: 'body.nature: Invalid option',
      errors,
    });
  });

  it('cuts long paths, messages and details, and stays under 64 KiB even when every character is escaped', () => {
    const errors: FieldError[] = Array.from({ length: 50 }, () => ({
      path: worst(100_000),
      message: `Unrecognized keys: ${worst(1_000_000)}`,
    }));
    for (const error of [
      new InvalidInputError(errors),
      new RuleViolationError(worst(1_000_000), errors),
      new NotPossibleNowError(worst(1_000_000)),
    ]) {
      const problem = problemOf(error);
      expect(problem.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
      expect(problem.errors?.length ?? 0).toBeLessThanOrEqual(MAX_ERRORS);
      expect(answerBytes(error)).toBeLessThan(MAX_ANSWER_BYTES);
    }
  });

  it('never cuts a character in half', () => {
    const problem = problemOf(new NotPossibleNowError('😀é'.repeat(1_000)));
    expect(problem.detail.endsWith('…')).toBe(true);
    expect(problem.detail).not.toMatch(/\p{Cs}/u);
  });

  it('keeps the count of omitted errors of a 422 in its detail', () => {
    const errors = Array.from({ length: 45 }, (_, i) => ({ path: `body.ids.${i}`, message: 'Unknown' }));
    const problem = problemOf(new RuleViolationError('The fiche names unknown partenaires.', errors));
    expect(problem.errors).toHaveLength(MAX_ERRORS);
    expect(problem.detail).toBe('The fiche names unknown partenaires. (25 more errors not listed)');
  });
});
