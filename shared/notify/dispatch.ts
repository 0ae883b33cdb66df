import { createHash } from 'node:crypto';
import { inAudience } from '../access/policy.ts';
import type { Audience } from '../domain/case.ts';
import type { Membership } from '../domain/membership.ts';
import { plannedMails } from '../mail/event-mails.ts';
import { type MailFacts, type MailInput, mailInputOf } from '../mail/mail-input.ts';
import { CASE_MAIL_TEMPLATES, type CaseMailTemplateId, digestItemOf, renderMail } from '../mail/templates.ts';
import {
  type MailKind,
  type MailLog,
  type MailRecord,
  type MailRef,
  MailRejected,
  type NotifyDeps,
  type OutboxItem,
} from './ports.ts';

/**
 * The dispatcher (DESIGN.md §7): turns an outbox item into one logged mail per recipient, then
 * sends each once. Fed by the table's stream and by the sweep, through this one function; running
 * it twice on the same item sends nothing twice (each mail is recorded under a slot of its own and
 * sent under a claim).
 */

/** A claim older than this belongs to a sender that died: another may take the mail over. */
export const STALE_CLAIM_MS = 5 * 60_000;

export interface DispatchOutcome {
  /** Sent by this call. */
  sent: MailRecord[];
  /** Refused by the mail service in this call. */
  failed: MailRecord[];
  /** Kept for the recipients' daily digests. */
  digest: MailRecord[];
  /** Already sent or failed before this call. */
  settled: MailRecord[];
}

/** Whether a mail needs nothing more: sent, failed, or kept for a digest. */
const isSettled = (status: MailRecord['status']) =>
  status === 'sent' || status === 'failed' || status === 'digest';

const seq6 = (n: number) => String(n).padStart(6, '0');

/** The slots of an outbox item's mails start with this. */
export const outboxSlotPrefix = (item: Pick<OutboxItem, 'seq' | 'index'>) =>
  `${seq6(item.seq)}#${item.index}#`;

/** A short id for the API, stable for a mail. */
export const mailIdOf = (ref: MailRef) =>
  createHash('sha256').update(`${ref.tenant}#${ref.scope}#${ref.slot}`).digest('base64url').slice(0, 16);

/** The tag that ties a sent mail back to its log line (SES tag values allow letters, digits, - and _). */
export const refTag = (ref: MailRef) =>
  Buffer.from(JSON.stringify([ref.tenant, ref.scope, ref.slot])).toString('base64url');

export function refOfTag(tag: string): MailRef | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(tag, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) {
      return undefined;
    }
    const [tenant, scope, slot] = parsed as [string, string, string];
    return { tenant, scope, slot };
  } catch {
    return undefined;
  }
}

/** The enabled users of an audience of the case, as the facts of the change describe it. */
export function membersOf(
  members: Membership[],
  audience: Parameters<typeof inAudience>[1],
  facts: MailFacts,
): Membership[] {
  // A membership without an address cannot be mailed (and is not sent a mail without a recipient).
  return members.filter((m) => m.enabled && m.email && inAudience(m, audience, facts));
}

/** What the mails of a case say of it: the facts, with the centre's name and the settings. */
export async function caseMailInput(deps: NotifyDeps, facts: MailFacts): Promise<MailInput> {
  const referentiel = await deps.referentiel(facts.tenant);
  const centre = referentiel.centres.find((c) => c.id === facts.context.centreId);
  return mailInputOf(facts, centre?.nom ?? facts.context.centreId, deps.settings.appUrl, deps.settings);
}

/** A new line of the mail log for a case mail to one user. */
export function caseMail(
  ref: MailRef,
  templateId: CaseMailTemplateId,
  kind: MailKind,
  member: Membership,
  input: MailInput,
  createdAt: string,
  digest?: { audience: Audience; facts: MailFacts },
): MailRecord {
  const template = CASE_MAIL_TEMPLATES[templateId];
  const forDigest = digest !== undefined;
  return {
    ...ref,
    id: mailIdOf(ref),
    template: templateId,
    kind,
    userId: member.userId,
    to: member.email,
    status: forDigest ? 'digest' : 'pending',
    createdAt,
    mail: renderMail(template, input),
    attempts: 0,
    // Kept for the digest with who it was for, so that the digest asks again whether the user
    // still is: a user moved to another organisation by then is not told.
    ...(digest && {
      digestLine: digestItemOf(template, input),
      audience: digest.audience,
      relations: { tenant: digest.facts.tenant, context: digest.facts.context },
    }),
  };
}

export async function dispatchOutbox(deps: NotifyDeps, item: OutboxItem): Promise<DispatchOutcome> {
  const { facts } = item;
  const plans = plannedMails(item.notification, facts);
  const prefix = outboxSlotPrefix(item);
  const [members, input] = await Promise.all([
    deps.recipients.members(item.tenant),
    caseMailInput(deps, facts),
  ]);
  const lines = plans.flatMap((plan) =>
    membersOf(members, plan.audience, facts)
      .filter((member) => plan.includesAuthor || member.userId !== item.authorSub)
      .map((member) => ({ plan, member })),
  );
  const informed = lines.filter((l) => l.plan.digestible).map((l) => l.member.userId);
  const preferences = await deps.recipients.preferences([...new Set(informed)]);

  // Each mail is recorded under a slot of its own. A slot already taken (the stream's retry, the
  // sweep, a concurrent run) holds the mail as that run left it: those are read once, then sent or
  // counted as they stand (a claim keeps two runs from sending one mail). The first delivery of
  // an item, the usual case, reads nothing.
  const mails: MailRecord[] = [];
  const taken: string[] = [];
  for (const { plan, member } of lines) {
    const ref = {
      tenant: item.tenant,
      scope: item.caseId,
      slot: `${prefix}${plan.templateId}#${member.userId}`,
    };
    const forDigest = plan.digestible && preferences.get(member.userId)?.information === 'daily_digest';
    const mail = caseMail(
      ref,
      plan.templateId,
      plan.kind,
      member,
      input,
      item.createdAt,
      forDigest ? { audience: plan.audience, facts } : undefined,
    );
    if (await deps.mails.record(mail)) mails.push(mail);
    else taken.push(ref.slot);
  }
  if (taken.length > 0) {
    const recorded = new Map(
      (await deps.mails.recorded(item.tenant, item.caseId, prefix)).map((mail) => [mail.slot, mail]),
    );
    for (const slot of taken) {
      const known = recorded.get(slot);
      if (known) mails.push(known);
    }
  }
  const outcome = await sendAll(deps, mails);
  const settled =
    outcome.sent.length + outcome.failed.length + outcome.digest.length + outcome.settled.length;
  if (settled === mails.length && mails.length === lines.length) await deps.mails.outboxDone(item);
  return outcome;
}

/**
 * Sends the mails still to send, each under its claim; mails kept for the digest, already sent or
 * failed are counted as they are. A mail service failing for a while fails the whole call (after
 * every mail was tried), so that the stream or the sweep tries again.
 */
export async function sendAll(deps: NotifyDeps, mails: MailRecord[]): Promise<DispatchOutcome> {
  const outcome: DispatchOutcome = { sent: [], failed: [], digest: [], settled: [] };
  const results = await Promise.allSettled(
    mails.map(async (mail) => {
      if (!isSettled(mail.status)) return { mail, status: await sendRecorded(deps, mail) };
      return { mail, status: mail.status === 'digest' ? 'digest' : 'settled' };
    }),
  );
  let error: unknown;
  for (const result of results) {
    if (result.status === 'rejected') {
      error ??= result.reason;
      continue;
    }
    const { mail, status } = result.value;
    if (status === 'sent') outcome.sent.push(mail);
    if (status === 'failed') outcome.failed.push(mail);
    if (status === 'digest') outcome.digest.push(mail);
    if (status === 'settled') outcome.settled.push(mail);
  }
  if (error !== undefined) throw error;
  return outcome;
}

/**
 * Sends one recorded mail: claim, send, mark sent under the claim. A crash between sending and
 * marking leaves the claim to go stale; the mail is then sent once more (at most one duplicate).
 */
export async function sendRecorded(
  deps: NotifyDeps,
  mail: MailRecord,
): Promise<'sent' | 'failed' | 'claimed-elsewhere'> {
  const at = deps.now();
  const staleBefore = new Date(at.getTime() - STALE_CLAIM_MS).toISOString();
  const attempt = await deps.mails.claim(mail, at.toISOString(), staleBefore);
  if (attempt === undefined) return 'claimed-elsewhere';
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({ ...mail.mail, to: mail.to, tags: { ref: refTag(mail) } }));
  } catch (error) {
    if (error instanceof MailRejected) {
      await deps.mails.markFailed(mail, error.message);
      return 'failed';
    }
    await deps.mails.release(mail, attempt);
    throw error;
  }
  await deps.mails.markSent(mail, attempt, deps.now().toISOString(), messageId);
  return 'sent';
}

/** How many sweeps may fail on one outbox item before it is given up (an hour at one sweep every 5 minutes). */
export const SWEEP_ATTEMPTS = 12;

export interface SweepOutcome {
  items: number;
  sent: number;
  /** One line per item that failed again, and per item given up. */
  errors: string[];
  givenUp: number;
}

/**
 * The sweep: outbox items the stream left pending for over `olderThanMs`, dispatched again. An item
 * that keeps failing is given up after `SWEEP_ATTEMPTS` sweeps, so that it neither loops forever
 * nor holds back the items behind it; its failures are reported, for the caller to alarm on.
 */
export async function sweepOutbox(
  deps: NotifyDeps,
  tenant: string,
  olderThanMs = 60_000,
): Promise<SweepOutcome> {
  const before = new Date(deps.now().getTime() - olderThanMs).toISOString();
  const items = await deps.mails.pendingOutbox(tenant, before, 100);
  const outcome: SweepOutcome = { items: items.length, sent: 0, errors: [], givenUp: 0 };
  for (const item of items) {
    try {
      outcome.sent += (await dispatchOutbox(deps, item)).sent.length;
    } catch (error) {
      const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300);
      const next = await deps.mails.outboxFailed(item, reason, SWEEP_ATTEMPTS);
      if (next === 'given-up') outcome.givenUp += 1;
      outcome.errors.push(`${item.caseId} #${item.seq}.${item.index} (${next}): ${reason}`);
    }
  }
  return outcome;
}

/**
 * A mail SES reports as bounced or complained of: `failed` in its log. A digest that did not
 * arrive fails each mail it gathered too, so every case's log says who was never reached.
 */
export async function markUndelivered(mails: MailLog, ref: MailRef, failure: string): Promise<void> {
  await mails.markFailed(ref, failure);
  if (!ref.scope.startsWith('digest:')) return;
  const [digest] = await mails.recorded(ref.tenant, ref.scope, ref.slot);
  for (const covered of digest?.covers ?? []) await mails.markFailed(covered, failure);
}
