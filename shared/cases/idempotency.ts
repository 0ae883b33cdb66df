import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Caller } from '../domain/caller.ts';
import { RuleViolationError } from '../domain/errors.ts';
import type { CaseDeps, IdempotencyRecord, IdempotentAnswer } from './ports.ts';

/** How long a retry with the same Idempotency-Key gets the first answer back. */
const KEEP_SECONDS = 24 * 60 * 60;

/** A request sent with an Idempotency-Key: the key, and what identifies the request besides it. */
export interface IdempotencyClaim {
  sub: string;
  key: string;
  requestHash: string;
}

/**
 * What the Idempotency-Key of a change says before the change runs:
 * - `replayed`: the same request came under this key before; here is its answer, change nothing;
 * - `fresh`: run the change, and commit its answer with it under `claim` (none without a key).
 */
export type IdempotencyCheck<T> =
  | { kind: 'replayed'; answer: T }
  | { kind: 'fresh'; claim?: IdempotencyClaim };

/**
 * Looks the key up: a retry with the same key and request gets the first answer back; the same
 * key with another request is a 422. `request` is the route, path and body as sent. `stored` is
 * the answer under this key when it was already read (with the case); else it is read here.
 */
export async function checkIdempotency<T>(
  deps: CaseDeps,
  caller: Caller,
  { key, request, stored }: { key?: string; request: unknown; stored?: { answer?: IdempotentAnswer } },
): Promise<IdempotencyCheck<T>> {
  if (!key) return { kind: 'fresh' };
  // The caller's role and organisation are part of the request: an answer shaped for a partenaire
  // (with the avis) is never replayed to the same user once it is, say, a gestionnaire.
  const asSent = { request, role: caller.role, organisationId: caller.organisationId };
  const requestHash = createHash('sha256')
    .update(canonicalize(asSent) ?? '')
    .digest('hex');
  const claim = { sub: caller.sub, key, requestHash };
  const earlier = stored
    ? answerFor<T>(stored.answer, claim)
    : await storedAnswer<T>(deps, caller.tenant, claim);
  return earlier === undefined ? { kind: 'fresh', claim } : { kind: 'replayed', answer: earlier };
}

/**
 * The idempotency record of a change's answer, stored in the change's own transaction, so that a
 * change and its answer commit together; none without a key.
 */
export function idempotencyRecord<T>(
  claim: IdempotencyClaim | undefined,
  answer: T,
  now: Date,
): IdempotencyRecord | undefined {
  if (!claim) return undefined;
  const { sub, key, requestHash } = claim;
  return {
    sub,
    key,
    answer: { requestHash, body: answer },
    expiresAt: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
  };
}

/** The answer of a concurrent request under the same key that committed first: it is this one's too. */
export async function answerOfFirst<T>(
  deps: CaseDeps,
  caller: Caller,
  claim: IdempotencyClaim | undefined,
): Promise<T> {
  const stored = claim && (await storedAnswer<T>(deps, caller.tenant, claim));
  if (stored === undefined) throw new Error('Idempotency record vanished after a conflict');
  return stored;
}

async function storedAnswer<T>(
  deps: CaseDeps,
  tenant: string,
  claim: IdempotencyClaim,
): Promise<T | undefined> {
  return answerFor<T>(await deps.idempotency.idempotentAnswer(tenant, claim.sub, claim.key), claim);
}

/** The stored answer, if any, for this request; the same key with another request is a 422. */
function answerFor<T>(stored: IdempotentAnswer | undefined, claim: IdempotencyClaim): T | undefined {
  if (!stored) return undefined;
  if (stored.requestHash !== claim.requestHash) {
    throw new RuleViolationError('This Idempotency-Key was already used for another request.');
  }
  return stored.body as T;
}
