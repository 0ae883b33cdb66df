import { decodeLogCursor, encodeLogCursor } from '../cases/cursor.ts';
import type { Caller } from '../domain/caller.ts';
import { NotAllowedError, NotFoundError, NotPossibleNowError, RuleViolationError } from '../domain/errors.ts';
import {
  coordinationOf,
  type InvitationSchema,
  isEnabledCoordinateur,
  type Membership,
  type MembershipChange,
  type MembershipPatchSchema,
  type MembershipTerms,
  organisationFits,
  type UserView,
  userView,
} from '../domain/membership.ts';
import type * as z from '../domain/zod.ts';
import type { UserDeps } from './ports.ts';

/** A lost race on one membership is retried against the fresh one; past this, a 409. */
const MAX_ATTEMPTS = 3;

declare const checked: unique symbol;

/** A caller found, by a fresh read of its membership, to be an enabled coordinateur of its tenant. */
export type Administrator = Caller & { readonly [checked]: true };

/**
 * The first step of every administration route, before its body is read (403 before 400): only
 * an enabled coordinateur administers users, and for this the membership is read afresh, not
 * from the container's cache: a coordinateur disabled a moment ago must not be able to re-enable
 * itself, nor lock the others out, during the minute the cache may still let it read.
 */
export async function requireCoordinateur(deps: UserDeps, caller: Caller): Promise<Administrator> {
  const refused = new NotAllowedError('The administration of users is for the Caf coordination.');
  if (caller.role !== 'coordinateur') throw refused;
  const current = await deps.memberships.get(caller.sub);
  if (!current?.enabled || current.role !== 'coordinateur' || current.tenant !== caller.tenant) throw refused;
  return caller as Administrator;
}

/** A user of the administrator's tenant (404 for any other), found before its patch is read (404 before 400). */
export async function findUser(deps: UserDeps, caller: Administrator, userId: string): Promise<Membership> {
  const current = await deps.memberships.get(userId);
  if (!current || current.tenant !== caller.tenant) throw new NotFoundError(`No user ${userId}.`);
  return current;
}

async function requireFit(
  deps: UserDeps,
  caller: Caller,
  terms: Pick<MembershipTerms, 'role' | 'organisationId'>,
  organisationSent: boolean,
) {
  const referentiel = await deps.referentiel(caller.tenant);
  if (!organisationFits(terms.role, terms.organisationId, referentiel, caller.tenant)) {
    const message = organisationSent
      ? `${terms.organisationId} is no organisation of a ${terms.role}`
      : `${terms.organisationId} is no organisation of a ${terms.role}: send the organisationId of a ${terms.role} with the role`;
    throw new RuleViolationError(`${message}.`, [{ path: 'body.organisationId', message }]);
  }
}

const termsOf = ({ role, organisationId, enabled }: MembershipTerms): MembershipTerms => ({
  role,
  organisationId,
  enabled,
});

/** The users of the coordinateur's tenant, by email. */
export async function listUsers(deps: UserDeps, caller: Administrator): Promise<UserView[]> {
  return (await deps.memberships.list(caller.tenant)).map(userView);
}

/**
 * The coordinateur invites a user with its membership, once found to be one (403) and the
 * invitation read (400). Primary course:
 * 1. the organisation fits the role (422)
 * 2. the identity provider creates the account and sends the invitation
 * 3. the membership and its journal entry are written together. An email that already has a
 *    membership is a 409 saying what to do instead; an account left without membership (a crash
 *    between 2 and 3) is given its membership by the retry, so nothing is lost; and a membership
 *    whose account was deleted from the identity provider moves to the new account.
 */
export async function inviteUser(
  deps: UserDeps,
  caller: Administrator,
  invitation: z.infer<typeof InvitationSchema>,
): Promise<UserView> {
  await requireFit(deps, caller, invitation, true);
  const previous = await deps.memberships.findByEmail(caller.tenant, invitation.email);
  const { userId, existed, waiting } = await deps.directory.invite(invitation.email);
  if (previous?.userId === userId) {
    const change = `change it with PATCH /admin/users/${userId}`;
    if (!waiting) {
      throw new NotPossibleNowError(
        `${invitation.email} already has a membership (${previous.enabled ? 'enabled' : 'disabled'}): ${change}.`,
      );
    }
    // Never signed in: its temporary password may have expired (7 days).
    const resent = await deps.directory.resendInvitation(invitation.email);
    throw new NotPossibleNowError(
      `${invitation.email} already has a membership and has not signed in yet: ${
        resent === 'sent' ? 'the invitation was sent again' : 'this identity provider sends no invitation'
      }; ${change}.`,
    );
  }
  // The same words whatever holds the account (one user pool serves every tenant).
  const taken = new NotPossibleNowError(
    `${invitation.email} cannot be invited: an account already exists for it.`,
  );
  if (!previous && existed && (await deps.memberships.get(userId))) throw taken;

  const at = deps.now().toISOString();
  const membership: Membership = {
    userId,
    email: invitation.email,
    tenant: caller.tenant,
    role: invitation.role,
    organisationId: invitation.organisationId,
    enabled: true,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const result = await deps.memberships.save({
    membership,
    ...(previous && { replaces: { userId: previous.userId, version: previous.version } }),
    entry: {
      at,
      userId,
      email: membership.email,
      action: 'invited',
      by: { userId: caller.sub, email: caller.email },
      ...(previous && { before: termsOf(previous) }),
      after: termsOf(membership),
    },
  });
  if (result === 'last-coordinateur') {
    throw new NotPossibleNowError('This would leave no enabled coordinateur: appoint another one first.');
  }
  if (result !== 'saved') throw taken;
  // An account adopted after a crash may have been left disabled.
  if (existed) await deps.directory.setEnabled(userId, true);
  return userView(membership);
}

function actionOf(before: MembershipTerms, after: MembershipTerms): MembershipChange['action'] {
  const sameTerms = before.role === after.role && before.organisationId === after.organisationId;
  if (sameTerms && before.enabled !== after.enabled) return after.enabled ? 'enabled' : 'disabled';
  return 'changed';
}

/**
 * The coordinateur changes a user's role or organisation, or disables (enables) the user, once
 * found to be one (403), the user found in its tenant (404) and the patch read (400), in this
 * order. Primary course:
 * 1. the new organisation fits the new role (422)
 * 2. enabling: the account's sign-in is enabled first (409 if the account no longer exists)
 * 3. the membership and its journal entry are written over the version read; the tenant keeps
 *    at least one enabled coordinateur (409); a lost race is retried from 1 on the membership
 *    read again (404 once it is gone)
 * 4. disabling: the account's sign-in is disabled after the membership, which is the authority:
 *    a failure in between leaves the user revoked, never the reverse; the same PATCH again
 *    finishes it
 */
export async function changeUser(
  deps: UserDeps,
  caller: Administrator,
  user: Membership,
  patch: z.infer<typeof MembershipPatchSchema>,
): Promise<UserView> {
  const { userId } = user;
  let current = user;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) current = await findUser(deps, caller, userId);
    const before = termsOf(current);
    const after = termsOf({ ...before, ...patch });
    const moved = after.role !== before.role || after.organisationId !== before.organisationId;
    if (moved) await requireFit(deps, caller, after, patch.organisationId !== undefined);
    if (patch.enabled === true && (await deps.directory.setEnabled(userId, true)) === 'no-account') {
      throw new NotPossibleNowError(
        `The account of ${current.email} no longer exists in the identity provider: invite ${current.email} again to recreate it (its membership follows).`,
      );
    }
    let saved = current;
    if (moved || after.enabled !== before.enabled) {
      const at = deps.now().toISOString();
      saved = { ...current, ...after, updatedAt: at, version: current.version + 1 };
      const result = await deps.memberships.save({
        membership: saved,
        expectedVersion: current.version,
        entry: {
          at,
          userId,
          email: current.email,
          action: actionOf(before, after),
          by: { userId: caller.sub, email: caller.email },
          before,
          after,
        },
      });
      if (result === 'last-coordinateur') {
        throw new NotPossibleNowError('This is the last enabled coordinateur: appoint another one first.');
      }
      if (result === 'conflict') {
        if (attempt < MAX_ATTEMPTS) continue;
        throw new NotPossibleNowError('This user was changed at the same time; try again.');
      }
    }
    // An account that no longer exists cannot sign in: disabling it has nothing more to do.
    if (patch.enabled === false) await deps.directory.setEnabled(userId, false);
    return userView(saved);
  }
}

export interface JournalQuery {
  limit: number;
  cursor?: string;
}

/** The membership journal of the coordinateur's tenant, newest first, a page at a time. */
export async function membershipJournal(
  deps: UserDeps,
  caller: Administrator,
  { limit, cursor }: JournalQuery,
): Promise<{ items: MembershipChange[]; nextCursor: string | null }> {
  const scope = `${caller.tenant}|${caller.sub}|membership-changes`;
  const after = cursor ? decodeLogCursor(cursor, scope, deps.cursorSecret) : undefined;
  const page = await deps.memberships.journal(caller.tenant, {
    limit,
    ...(after && { after: { at: after.at, id: after.id } }),
  });
  return {
    items: page.items,
    nextCursor: page.next ? encodeLogCursor({ ...page.next, scope }, deps.cursorSecret) : null,
  };
}

/** Who the journal names for what the bootstrap command did. */
const BOOTSTRAP: Membership['email'] = 'bootstrap';

/**
 * The tenant's enabled coordinateurs, all of whom cannot sign in (none, for a new tenant);
 * a NotPossibleNowError when one can: then the tenant needs no bootstrap.
 */
export async function strandedCoordinateurs(
  deps: Pick<UserDeps, 'memberships' | 'directory'>,
  tenant: string,
): Promise<Membership[]> {
  const coordinateurs = (await deps.memberships.list(tenant)).filter(isEnabledCoordinateur);
  for (const coordinateur of coordinateurs) {
    if (await deps.directory.canSignIn(coordinateur.userId)) {
      throw new NotPossibleNowError(
        `The tenant ${tenant} has a coordinateur who can sign in (${coordinateur.email}): it invites the others.`,
      );
    }
  }
  return coordinateurs;
}

/**
 * The first coordinateur of a tenant, for the operator who has just deployed (the API needs a
 * coordinateur to appoint anyone), or to recover a tenant none of whose enabled coordinateurs
 * can sign in any more (accounts deleted, invitations never used). Refused while one can: from
 * then on, the coordination administers its users itself.
 * 1. no enabled coordinateur of the tenant can sign in (else NotPossibleNowError)
 * 2. the account is created and invited (or found)
 * 3. its membership is written as coordinateur of the tenant's coordination (taking over the
 *    same email's stale membership, as an invitation does)
 * 4. the coordinateurs that cannot sign in are disabled, each with its journal entry
 */
export async function appointFirstCoordinateur(
  deps: Pick<UserDeps, 'memberships' | 'directory' | 'now'>,
  { email, tenant }: { email: string; tenant: string },
): Promise<UserView> {
  const stranded = await strandedCoordinateurs(deps, tenant);
  const { userId } = await deps.directory.invite(email);
  const current = await deps.memberships.get(userId);
  if (current && current.tenant !== tenant)
    throw new NotPossibleNowError(`${email} is a user of another tenant.`);
  const previous = current ?? (await deps.memberships.findByEmail(tenant, email));
  const at = deps.now().toISOString();
  const by = { userId: BOOTSTRAP, email: BOOTSTRAP };
  const membership: Membership = {
    userId,
    email,
    tenant,
    role: 'coordinateur',
    organisationId: coordinationOf(tenant),
    enabled: true,
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
    version: (current?.version ?? 0) + 1,
  };
  const result = await deps.memberships.save({
    membership,
    ...(current && { expectedVersion: current.version }),
    ...(previous && !current && { replaces: { userId: previous.userId, version: previous.version } }),
    entry: {
      at,
      userId,
      email,
      action: current ? 'changed' : 'invited',
      by,
      ...(previous && { before: termsOf(previous) }),
      after: termsOf(membership),
    },
  });
  if (result !== 'saved')
    throw new NotPossibleNowError('The membership changed meanwhile; run the command again.');
  await deps.directory.setEnabled(userId, true);
  for (const coordinateur of stranded.filter((c) => c.userId !== userId && c.userId !== previous?.userId)) {
    await deps.memberships.save({
      membership: { ...coordinateur, enabled: false, updatedAt: at, version: coordinateur.version + 1 },
      expectedVersion: coordinateur.version,
      entry: {
        at,
        userId: coordinateur.userId,
        email: coordinateur.email,
        action: 'disabled',
        by,
        before: termsOf(coordinateur),
        after: { ...termsOf(coordinateur), enabled: false },
      },
    });
  }
  return userView(membership);
}
