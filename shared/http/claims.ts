import type { Caller } from '../domain/caller.ts';
import { NotAllowedError } from '../domain/errors.ts';
import { callerOf, type Membership } from '../domain/membership.ts';
import { cached } from '../store/cached.ts';
import { UnauthorizedError } from './problem.ts';

/** Claims as API Gateway's JWT authorizer hands them over (`requestContext.authorizer.jwt.claims`). */
export type JwtClaims = Record<string, string | number | boolean | string[]>;

/** A membership change or revocation reaches every container within this time. */
export const MEMBERSHIP_CACHE_MS = 60_000;

export type CallerResolver = (claims: JwtClaims | undefined) => Promise<Caller>;

/**
 * The caller behind a verified token. The token proves identity and only its `sub` is read
 * (401 without one); role, organisation and tenant come from the membership Renfort keeps,
 * looked up by `sub` and kept per container for at most `MEMBERSHIP_CACHE_MS`, so a warm request
 * pays no round trip and a revocation takes effect within a minute whatever the token's age.
 * No membership, or a disabled one: 403 (not kept: the next request reads again).
 */
export function createCallerResolver(
  lookup: (userId: string) => Promise<Membership | undefined>,
  now: () => number = () => Date.now(),
): CallerResolver {
  // Only an active membership is kept: a user just invited or enabled is let in at once.
  const membershipOf = cached(lookup, MEMBERSHIP_CACHE_MS, now, (membership) => membership?.enabled === true);
  return async (claims) => {
    const sub = claims?.sub;
    if (typeof sub !== 'string' || sub === '')
      throw new UnauthorizedError('No verified token was presented.');
    const membership = await membershipOf(sub);
    if (!membership?.enabled) {
      throw new NotAllowedError(
        'This account has no active membership in Renfort; ask the Caf coordination to grant one.',
      );
    }
    return callerOf(membership);
  };
}
