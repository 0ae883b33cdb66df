import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from '../domain/errors.ts';
import * as z from '../domain/zod.ts';

/** The listing a cursor belongs to (caller, filter or case): a cursor is refused in any other. */
const Scope = z.string().check(z.maxLength(200));

const PositionSchema = z.strictObject({
  createdAt: z.string().check(z.maxLength(40)),
  caseId: z.string().check(z.maxLength(40)),
  scope: Scope,
});

export type CursorPosition = z.infer<typeof PositionSchema>;

/** A position in a log read in time order (the access log, the membership journal): its last entry. */
const LogPositionSchema = z.strictObject({
  at: z.string().check(z.maxLength(40)),
  id: z.string().check(z.maxLength(40)),
  scope: Scope,
});

export type LogCursorPosition = z.infer<typeof LogPositionSchema>;

const sign = (payload: string, secret: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);

/** An opaque cursor: the position, and an HMAC so that a changed cursor is refused. */
function encodeSigned(position: { scope: string }, secret: string): string {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

function decodeSigned<T extends { scope: string }>(
  cursor: string,
  schema: z.ZodMiniType<T>,
  scope: string,
  secret: string,
): T {
  const invalid = () =>
    new InvalidInputError([{ path: 'query.cursor', message: 'Not a cursor of this listing' }]);
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const position = schema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (position.scope !== scope) throw invalid();
    return position;
  } catch {
    throw invalid();
  }
}

/** A cursor of a cases listing. */
export const encodeCursor = (position: CursorPosition, secret: string): string =>
  encodeSigned(position, secret);

export const decodeCursor = (cursor: string, scope: string, secret: string): CursorPosition =>
  decodeSigned(cursor, PositionSchema, scope, secret);

/** A cursor of a log read in time order (the last entry read). */
export const encodeLogCursor = (position: LogCursorPosition, secret: string): string =>
  encodeSigned(position, secret);

export const decodeLogCursor = (cursor: string, scope: string, secret: string): LogCursorPosition =>
  decodeSigned(cursor, LogPositionSchema, scope, secret);
