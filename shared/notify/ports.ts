import type { Audience, CaseRecord, Notification, RelationContext } from '../domain/case.ts';
import type { Day } from '../domain/delais.ts';
import type { MailKind } from '../domain/mail-log.ts';
import type { Membership } from '../domain/membership.ts';
import type { Preferences } from '../domain/preferences.ts';
import type { Referentiel } from '../domain/referentiel.ts';
import type { MailFacts } from '../mail/mail-input.ts';
import type { RenderedMail } from '../mail/templates.ts';

/**
 * What the dispatcher and the daily job need from the outside: adapters in production
 * (shared/store/mail-repository.ts, shared/store/ses-mailer.ts), in-memory fakes in unit tests.
 */

/** An outbox item, as the commit of a change wrote it (and as the table's stream hands it over). */
export interface OutboxItem {
  tenant: string;
  caseId: string;
  /** The history event it tells of, and its place among that event's notifications. */
  seq: number;
  index: number;
  notification: Notification;
  facts: MailFacts;
  /** The `sub` of whoever made the change: never mailed about it, but for the accusé de réception. */
  authorSub: string;
  createdAt: string;
}

/**
 * Where a mail lives in the log: in its case (`scope` is the case id) or, for a digest, in the
 * day's digests (`scope` is `digest:YYYY-MM-DD`); `slot` makes it unique there and is what makes
 * each mail recorded once (the outbox item and recipient, or the step, due date and recipient).
 */
export interface MailRef {
  tenant: string;
  scope: string;
  slot: string;
}

export type { MailKind };

/**
 * - `pending`: to send; `sending`: claimed by a sender (taken over when its claim is stale);
 * - `sent`; `failed`: refused by the mail service, or bounced;
 * - `digest`: an information mail kept for its recipient's daily digest.
 */
export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'digest';

/** A line of the mail log: one mail to one recipient, rendered from data that holds no secret. */
export interface MailRecord extends MailRef {
  /** A short stable id for the API. */
  id: string;
  template: string;
  kind: MailKind;
  userId: string;
  to: string;
  status: MailStatus;
  createdAt: string;
  sentAt?: string;
  /** The rendered mail: built when recorded, so a later send needs nothing else. */
  mail: RenderedMail;
  /** Which claim last took it (a sender marks it only under its own claim). */
  attempts: number;
  claimedAt?: string;
  messageId?: string;
  failure?: string;
  /** For a digest: the information mails it gathers. */
  covers?: MailRef[];
  /** For a mail kept for the digest: the short line it shows there. */
  digestLine?: { centre: string; step: string; summary: string; link: string };
  /** For a mail kept for the digest: who it is for, asked again when the digest is built. */
  audience?: Audience;
  relations?: { tenant: string; context: RelationContext };
}

export interface MailLog {
  /** The mails already recorded under a scope whose slots start with `prefix`. */
  recorded(tenant: string, scope: string, prefix: string): Promise<MailRecord[]>;
  /** Records a mail unless its ref is taken; false when it already was. */
  record(mail: MailRecord): Promise<boolean>;
  /**
   * Takes a mail for sending: `pending`, or `sending` under a claim older than `staleBefore` (a
   * sender that crashed). Returns the claim's number, or undefined when the mail is not to send.
   */
  claim(ref: MailRef, at: string, staleBefore: string): Promise<number | undefined>;
  /** Gives a claimed mail back (the mail service failed for a while): pending again. */
  release(ref: MailRef, attempt: number): Promise<void>;
  markSent(ref: MailRef, attempt: number, sentAt: string, messageId: string): Promise<void>;
  /** Marks a mail failed (refused, bounced, complained of), whatever its state. */
  markFailed(ref: MailRef, failure: string): Promise<void>;
  /** The outbox item is fully dispatched: out of the pending index. */
  outboxDone(item: OutboxItem): Promise<void>;
  /**
   * Counts a failed dispatch of an outbox item by the sweep; after `giveUpAfter` of them the item
   * leaves the pending index (marked abandoned). Says which.
   */
  outboxFailed(item: OutboxItem, reason: string, giveUpAfter: number): Promise<'again' | 'given-up'>;
  /** Outbox items still pending, written before `before` (ISO instant): what the stream missed. */
  pendingOutbox(tenant: string, before: string, limit: number): Promise<OutboxItem[]>;
  /** Information mails kept for the digest and not yet gathered. */
  pendingDigest(tenant: string): Promise<MailRecord[]>;
  /** Takes mails out of the pending digest (they were gathered in a digest). */
  digested(refs: MailRef[]): Promise<void>;
  /** Every mail of a case, oldest first. */
  caseMails(tenant: string, caseId: string): Promise<MailRecord[]>;
}

/** The users of a tenant and their mail preferences. */
export interface Recipients {
  members(tenant: string): Promise<Membership[]>;
  preferences(userIds: string[]): Promise<Map<string, Preferences>>;
}

/** A mail the mail service refused for good (bad address, unverified sender): not to be retried. */
export class MailRejected extends Error {
  override name = 'MailRejected';
}

export interface Mailer {
  /** Sends a mail; a `MailRejected` is final, any other error is worth a retry. */
  send(mail: RenderedMail & { to: string; tags: Record<string, string> }): Promise<{ messageId: string }>;
}

/** The cases whose step falls due within a window, for the daily job. */
export interface DueCases {
  /** The submitted cases of a tenant waiting on a step due between `from` and `to` (inclusive). */
  dueBetween(tenant: string, from: Day, to: Day): Promise<CaseRecord[]>;
}

/** What a mail says beside the case: where the console is and who answers. */
export interface MailSettings {
  appUrl: string;
  contact: string;
  service?: string;
}

export interface NotifyDeps {
  mails: MailLog;
  recipients: Recipients;
  mailer: Mailer;
  referentiel: (tenant: string) => Promise<Referentiel>;
  settings: MailSettings;
  now: () => Date;
}
