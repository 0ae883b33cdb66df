import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CursorPosition, decodeCursor, encodeCursor } from '../../../shared/cases/cursor.ts';
import { InvalidInputError } from '../../../shared/domain/errors.ts';

const SECRET = 'test-cursor-secret-0123456789';
const SCOPE = 'caf13#org#cs-tilleuls#status=brouillon';

const position = (overrides: Partial<CursorPosition> = {}): CursorPosition => ({
  createdAt: '2026-03-01T08:00:00.000Z',
  caseId: 'c-01jq7k9m2x3v4b5n6p7q8r9s0t',
  scope: SCOPE,
  ...overrides,
});

/** The error decodeCursor throws, or 'accepted'. */
function refusal(cursor: string, scope = SCOPE, secret = SECRET) {
  try {
    decodeCursor(cursor, scope, secret);
    return 'accepted';
  } catch (error) {
    return error;
  }
}

const signLikeTheServer = (payload: string) =>
  createHmac('sha256', SECRET).update(payload).digest('base64url').slice(0, 22);

const expectRefused = (outcome: unknown) => {
  expect(outcome).toBeInstanceOf(InvalidInputError);
  expect((outcome as InvalidInputError).errors).toEqual([
    { path: 'query.cursor', message: 'Not a cursor of this listing' },
  ]);
};

const positionArb = fc.record({
  createdAt: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
  caseId: fc.string({ maxLength: 40 }),
  scope: fc.string({ maxLength: 200 }),
});

describe('cursor', () => {
  it('round-trips any position of its own scope', () => {
    fc.assert(
      fc.property(positionArb, (p) => {
        expect(decodeCursor(encodeCursor(p, SECRET), p.scope, SECRET)).toEqual(p);
      }),
    );
  });

  it('is opaque and URL-safe', () => {
    const cursor = encodeCursor(position(), SECRET);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(cursor).not.toContain('cs-tilleuls');
  });

  it('refuses a cursor with any one character changed', () => {
    const cursor = encodeCursor(position(), SECRET);
    fc.assert(
      fc.property(
        fc.nat({ max: cursor.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
        (index, replacement) => {
          fc.pre(cursor[index] !== replacement);
          const changed = cursor.slice(0, index) + replacement + cursor.slice(index + 1);

          expectRefused(refusal(changed));
        },
      ),
    );
  });

  it('refuses a cursor of another listing, even a genuine one', () => {
    const other = encodeCursor(position({ scope: 'caf13#coordination#status=*' }), SECRET);

    expectRefused(refusal(other));
  });

  it('refuses a cursor signed with another secret', () => {
    expectRefused(refusal(encodeCursor(position(), 'another-secret')));
  });

  it.each([
    ['an unknown field', { ...position(), admin: true }],
    ['a missing field', { createdAt: '2026-03-01T08:00:00.000Z', scope: SCOPE }],
    ['a number for a string', { ...position(), caseId: 42 }],
    ['an over-long field', { ...position(), caseId: 'c'.repeat(41) }],
    ['not an object', [SCOPE]],
  ])('refuses a correctly signed cursor with %s', (_, content) => {
    const genuine = encodeCursor(position(), SECRET);
    const [genuinePayload, genuineSignature] = genuine.split('.') as [string, string];
    expect(signLikeTheServer(genuinePayload)).toBe(genuineSignature); // the test signs as the server does
    const payload = Buffer.from(JSON.stringify(content)).toString('base64url');

    expectRefused(refusal(`${payload}.${signLikeTheServer(payload)}`));
  });

  it('refuses a correctly signed payload that is not JSON', () => {
    const payload = Buffer.from('{"createdAt":').toString('base64url');

    expectRefused(refusal(`${payload}.${signLikeTheServer(payload)}`));
  });

  it.each([
    '',
    '.',
    '..',
    'abc',
    'abc.',
    '.abc',
    'a.b.c',
    'null',
    '%00',
    'eyJ9.AAAAAAAAAAAAAAAAAAAAAA',
    'x'.repeat(5000),
  ])('refuses the garbage %j', (garbage) => {
    expectRefused(refusal(garbage));
  });

  it('refuses any random string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (garbage) => {
        expectRefused(refusal(garbage));
      }),
    );
  });

  it('refuses a genuine cursor with a third part appended', () => {
    expectRefused(refusal(`${encodeCursor(position(), SECRET)}.extra`));
  });
});
