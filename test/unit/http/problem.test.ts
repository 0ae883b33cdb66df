import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  type FieldError,
  MAX_DETAIL,
  MAX_ERRORS,
  UnprocessableError,
  ValidationError,
} from '../../../shared/http/problem.ts';

const MAX_ANSWER_BYTES = 64 * 1024;
const answerBytes = (error: { toProblem(): unknown }) =>
  Buffer.byteLength(JSON.stringify({ ...(error.toProblem() as object), instance: '/cases/c-1/fiche' }));

/** The worst text for the size of an answer: control characters, each escaped as \uXXXX in JSON. */
const worst = (length: number) => '\u0001'.repeat(length);

describe('error answers stay small whatever the input', () => {
  it('lists at most 20 field errors and says in the detail how many more there were', () => {
    const errors = Array.from({ length: 130_000 }, (_, i) => ({
      path: `body.domaines.${i}`,
      message: 'Invalid option: expected one of "gestion_financiere"|"gouvernance"',
    }));
    const problem = new ValidationError(errors).toProblem();
    expect(problem.errors).toHaveLength(MAX_ERRORS);
    expect(problem.errors?.[0]).toEqual(errors[0]);
    expect(problem.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
    expect(problem.detail).toMatch(/^body\.domaines\.0: Invalid option/);
    expect(problem.detail).toMatch(/\(129980 more errors not listed\)$/);
  });

  it('keeps a short answer as it is', () => {
    const errors = [{ path: 'body.nature', message: 'Invalid option' }];
    expect(new ValidationError(errors).toProblem()).toMatchObject({
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
      new ValidationError(errors),
      new UnprocessableError(worst(1_000_000), errors),
      new ConflictError(worst(1_000_000)),
    ]) {
      const problem = error.toProblem();
      expect(problem.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
      expect(problem.errors?.length ?? 0).toBeLessThanOrEqual(MAX_ERRORS);
      expect(answerBytes(error)).toBeLessThan(MAX_ANSWER_BYTES);
    }
  });

  it('never cuts a character in half', () => {
    const problem = new ConflictError('😀é'.repeat(1_000)).toProblem();
    expect(problem.detail.endsWith('…')).toBe(true);
    expect(problem.detail).not.toMatch(/\p{Cs}/u);
  });

  it('keeps the count of omitted errors of a 422 in its detail', () => {
    const errors = Array.from({ length: 45 }, (_, i) => ({ path: `body.ids.${i}`, message: 'Unknown' }));
    const problem = new UnprocessableError('The fiche names unknown partenaires.', errors).toProblem();
    expect(problem.errors).toHaveLength(MAX_ERRORS);
    expect(problem.detail).toBe('The fiche names unknown partenaires. (25 more errors not listed)');
  });
});
