import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../http/problem.ts';

const PositionSchema = z.strictObject({
  createdAt: z.string().max(40),
  caseId: z.string().max(40),
  /** The listing the cursor belongs to: a cursor is refused in any other. */
  scope: z.string().max(200),
});

export type CursorPosition = z.infer<typeof PositionSchema>;

const sign = (payload: string, secret: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);

/** An opaque cursor: the position, and an HMAC so that a changed cursor is refused. */
export function encodeCursor(position: CursorPosition, secret: string): string {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function decodeCursor(cursor: string, scope: string, secret: string): CursorPosition {
  const invalid = () =>
    new ValidationError([{ path: 'query.cursor', message: 'Not a cursor of this listing' }]);
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const position = PositionSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (position.scope !== scope) throw invalid();
    return position;
  } catch {
    throw invalid();
  }
}
