import type { Membership, MembershipChange } from '../domain/membership.ts';
import type { Referentiel } from '../domain/referentiel.ts';

/** A membership written with its journal entry, in one transaction. */
export interface MembershipWrite {
  membership: Membership;
  /** The version the change was computed from; undefined for a new membership. */
  expectedVersion?: number;
  /**
   * A membership this one takes over, deleted in the same transaction (at that version): the
   * same email's, when its account was deleted from the identity provider and then invited again.
   */
  replaces?: { userId: string; version: number };
  entry: MembershipChange;
}

/**
 * - `saved`: membership and journal entry written together;
 * - `conflict`: the membership changed since it was read (or already exists, for a new one);
 * - `last-coordinateur`: the write would leave the tenant without an enabled coordinateur.
 */
export type MembershipWriteResult = 'saved' | 'conflict' | 'last-coordinateur';

export interface JournalPage {
  items: MembershipChange[];
  /** Where the next page starts (the last entry's position), when there is one. */
  next?: { at: string; id: string };
}

/** Where memberships and their journal are kept (the single table in production). */
export interface MembershipStore {
  get(userId: string): Promise<Membership | undefined>;
  /** Every membership of a tenant, by email. */
  list(tenant: string): Promise<Membership[]>;
  /** The tenant's membership for this email (lower case), if any. */
  findByEmail(tenant: string, email: string): Promise<Membership | undefined>;
  save(write: MembershipWrite): Promise<MembershipWriteResult>;
  /** The tenant's journal, newest first. */
  journal(tenant: string, page: { limit: number; after?: { at: string; id: string } }): Promise<JournalPage>;
}

/** The identity provider's side of a user (Cognito): the account, its invitation, its sign-in. */
export interface UserDirectory {
  /**
   * Creates the account and sends its invitation; `existed` when an account with this email was
   * already there (its id is returned, nothing is sent), `waiting` while that account has not
   * signed in yet. Throws a RuleViolationError when the identity provider refuses the email, a
   * ServiceUnavailableError when it is unavailable.
   */
  invite(email: string): Promise<{ userId: string; existed: boolean; waiting: boolean }>;
  /**
   * Sends the invitation of an account that has not signed in yet again (a new temporary
   * password); `unsupported` where the provider sends none (cognito-local).
   */
  resendInvitation(email: string): Promise<'sent' | 'unsupported'>;
  /**
   * Allows or forbids signing in to the account `userId` (the `sub`, never the email: an email
   * may now name another person's account); `no-account` when it no longer exists.
   */
  setEnabled(userId: string, enabled: boolean): Promise<'done' | 'no-account'>;
  /** Whether the account exists and may sign in. */
  canSignIn(userId: string): Promise<boolean>;
}

/** What the administration use cases need from the outside. */
export interface UserDeps {
  memberships: MembershipStore;
  directory: UserDirectory;
  referentiel: (tenant: string) => Promise<Referentiel>;
  now: () => Date;
  cursorSecret: string;
}
