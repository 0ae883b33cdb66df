import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Caller } from '../domain/caller.ts';
import { RuleViolationError } from '../domain/errors.ts';
import type { CaseChange, IdempotentAnswer } from '../store/case-repository.ts';
import type { CaseDeps } from './ports.ts';

/** How long a retry with the same Idempotency-Key gets the first answer back. */
const KEEP_SECONDS = 24 * 60 * 60;

export interface Idempotency {
  key?: string;
  /** What identifies the request besides the key: route, path and body. */
  request: unknown;
}

type Attempt<T> = (record: (answer: T) => CaseChange['idempotency']) => Promise<T | 'replay'>;

/**
 * Runs a change once per Idempotency-Key: a retry with the same key and request gets the first
 * answer back and changes nothing; the same key with another request is a 422. The answer is
 * stored in the change's own transaction, so a change and its answer commit together.
 */
export async function idempotent<T>(
  deps: CaseDeps,
  caller: Caller,
  { key, request }: Idempotency,
  attempt: Attempt<T>,
): Promise<T> {
  const record = (answer: T): CaseChange['idempotency'] =>
    key
      ? {
          sub: caller.sub,
          key,
          answer: { requestHash, body: answer },
          expiresAt: Math.floor(deps.now().getTime() / 1000) + KEEP_SECONDS,
        }
      : undefined;
  const requestHash = createHash('sha256')
    .update(canonicalize(request) ?? '')
    .digest('hex');
  const replay = async (): Promise<T | undefined> => {
    if (!key) return undefined;
    const stored: IdempotentAnswer | undefined = await deps.cases.idempotentAnswer(
      caller.tenant,
      caller.sub,
      key,
    );
    if (!stored) return undefined;
    if (stored.requestHash !== requestHash) {
      throw new RuleViolationError('This Idempotency-Key was already used for another request.');
    }
    return stored.body as T;
  };
  const earlier = await replay();
  if (earlier !== undefined) return earlier;
  const answer = await attempt(record);
  if (answer !== 'replay') return answer;
  // A concurrent request with the same key committed first: its answer is ours.
  const stored = await replay();
  if (stored === undefined) throw new Error('Idempotency record vanished after a conflict');
  return stored;
}
