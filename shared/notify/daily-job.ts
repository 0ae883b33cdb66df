import { inAudience } from '../access/policy.ts';
import type { CaseRecord } from '../domain/case.ts';
import { addDays, type Day, parisDay } from '../domain/delais.ts';
import type { Membership } from '../domain/membership.ts';
import { DEFAULT_SERVICE, frenchDate, mailFactsOf } from '../mail/mail-input.ts';
import { DIGEST_TEMPLATE, renderMail } from '../mail/templates.ts';
import { caseMail, caseMailInput, mailIdOf, membersOf, sendAll } from './dispatch.ts';
import type { DueCases, MailRecord, NotifyDeps } from './ports.ts';

/**
 * The daily job (DESIGN.md §7), at 08:00 Europe/Paris: a reminder to whoever must act two days
 * before a due date, an overdue notice on the first overdue day with an escalation to the
 * coordinateur, and the digests. Every mail is recorded under a slot naming the step, its due date
 * and the recipient (or, for a digest, the day and the recipient): a second run the same day
 * records nothing new, and sends only what an earlier run left unsent.
 */

export interface DailyJobDeps extends NotifyDeps {
  due: DueCases;
  tenants: readonly string[];
}

/** How far back a run catches up overdue notices a missed run did not send. */
export const CATCH_UP_DAYS = 3;
/** Reminders go out this many days before the due date. */
export const REMIND_DAYS_BEFORE = 2;

export interface DailyJobReport {
  day: Day;
  /** What this run sent (not what an earlier run of the day did). */
  sent: { caseId?: string; template: string; kind: string; to: string }[];
  /** What failed (the others went on); the run is to be tried again. */
  errors: string[];
}

/** Who must act on a case's current step: for an avis, the consulted partenaires still silent. */
export function lateMembers(
  record: CaseRecord,
  members: Membership[],
): { members: Membership[]; coordination: boolean } {
  const facts = mailFactsOf(record, record.updatedAt);
  const step = record.deadline?.step;
  switch (step) {
    case 'saisine_concertee': {
      const silent = membersOf(members, 'consulted-partenaires', facts).filter(
        (m) => !(m.organisationId in record.context.avis),
      );
      // Every avis is in: the coordinateur must decide.
      return silent.length > 0
        ? { members: silent, coordination: false }
        : { members: membersOf(members, 'coordination', facts), coordination: true };
    }
    case 'diagnostic_en_cours':
    case 'restitution_a_faire':
      return { members: membersOf(members, 'prestataire', facts), coordination: false };
    case 'rapport_a_valider':
      return { members: membersOf(members, 'gestionnaire', facts), coordination: false };
    case 'fiche_transmise':
    case 'rencontre_partenaires':
      return { members: membersOf(members, 'coordination', facts), coordination: true };
    default:
      return { members: [], coordination: false };
  }
}

export async function runDailyJob(deps: DailyJobDeps, at: Date): Promise<DailyJobReport> {
  const day = parisDay(at);
  const createdAt = at.toISOString();
  const report: DailyJobReport = { day, sent: [], errors: [] };
  const note = (mails: MailRecord[]) =>
    report.sent.push(
      ...mails.map((m) => ({
        ...(m.scope.startsWith('digest:') ? {} : { caseId: m.scope }),
        template: m.template,
        kind: m.kind,
        to: m.to,
      })),
    );
  /** One case or one digest failing (the mail service down a moment) does not stop the others. */
  const each = async (what: string, work: () => Promise<MailRecord[]>) => {
    try {
      note(await work());
    } catch (error) {
      report.errors.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 300));
    }
  };

  for (const tenant of deps.tenants) {
    const [cases, members] = await Promise.all([
      deps.due.dueBetween(tenant, addDays(day, -CATCH_UP_DAYS), addDays(day, REMIND_DAYS_BEFORE)),
      deps.recipients.members(tenant),
    ]);
    for (const record of cases) {
      await each(`case ${record.id}`, () => remind(deps, record, day, createdAt, members));
    }
    const kept = await deps.mails.pendingDigest(tenant);
    const byUser = new Map<string, MailRecord[]>();
    for (const mail of kept) byUser.set(mail.userId, [...(byUser.get(mail.userId) ?? []), mail]);
    const scope = `digest:${day}`;
    const already = new Map((await deps.mails.recorded(tenant, scope, '')).map((m) => [m.slot, m]));
    for (const [userId, items] of byUser) {
      await each(`digest of ${userId}`, () =>
        sendDigest(deps, { tenant, scope, day, createdAt, userId, items }, members, already.get(userId)),
      );
    }
  }
  return report;
}

/** The reminder, or the overdue notice and escalation, of a case whose step falls due near `day`. */
async function remind(
  deps: NotifyDeps,
  record: CaseRecord,
  day: Day,
  createdAt: string,
  members: Membership[],
): Promise<MailRecord[]> {
  const deadline = record.deadline;
  if (!deadline || deadline.dueAt === day) return [];
  const kind = deadline.dueAt > day ? 'rappel' : 'retard';
  const facts = mailFactsOf(record, record.updatedAt);
  const input = await caseMailInput(deps, facts);
  const late = lateMembers(record, members);
  const recipients: { member: Membership; template: 'rappel' | 'retard' | 'escalade' }[] = late.members.map(
    (member) => ({ member, template: kind }),
  );
  // The coordinateur hears of a delay, unless it is the one late.
  if (kind === 'retard' && !late.coordination) {
    for (const member of membersOf(members, 'coordination', facts)) {
      recipients.push({ member, template: 'escalade' });
    }
  }
  const prefix = `J#${deadline.step}#${deadline.dueAt}#`;
  const recorded = new Map(
    (await deps.mails.recorded(record.tenant, record.id, prefix)).map((mail) => [mail.slot, mail]),
  );
  const mails: MailRecord[] = [];
  for (const { member, template } of recipients) {
    const ref = { tenant: record.tenant, scope: record.id, slot: `${prefix}${template}#${member.userId}` };
    const known = recorded.get(ref.slot);
    if (known) {
      mails.push(known);
      continue;
    }
    const mail = caseMail(ref, template, template, member, input, createdAt);
    if (await deps.mails.record(mail)) mails.push(mail);
  }
  return (await sendAll(deps, mails)).sent;
}

interface DigestOf {
  tenant: string;
  scope: string;
  day: Day;
  createdAt: string;
  userId: string;
  /** The information mails kept for this user. */
  items: MailRecord[];
}

/**
 * A user's digest of the day: its kept information mails, each asked again whether the user still
 * is in its audience (a user moved to another organisation since is not told). A digest already
 * recorded today (by an earlier run) is sent if it is still to send, never built again.
 */
async function sendDigest(
  deps: NotifyDeps,
  of: DigestOf,
  members: Membership[],
  recorded: MailRecord | undefined,
): Promise<MailRecord[]> {
  const member = members.find((m) => m.userId === of.userId);
  let digest = recorded;
  if (!digest) {
    const still = of.items.filter(
      (m) =>
        member?.enabled &&
        member.email &&
        (!m.audience || !m.relations || inAudience(member, m.audience, m.relations)),
    );
    // What the user may no longer hear of leaves the pending digest untold.
    const gone = of.items.filter((m) => !still.includes(m));
    if (gone.length > 0) await deps.mails.digested(gone);
    if (!member || still.length === 0) return [];
    const ordered = [...still].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const ref = { tenant: of.tenant, scope: of.scope, slot: of.userId };
    digest = {
      ...ref,
      id: mailIdOf(ref),
      template: 'digest',
      kind: 'digest',
      userId: of.userId,
      to: member.email,
      status: 'pending',
      createdAt: of.createdAt,
      attempts: 0,
      mail: renderMail(DIGEST_TEMPLATE, {
        day: frenchDate(of.day),
        items: ordered.flatMap((m) => (m.digestLine ? [m.digestLine] : [])),
        service: deps.settings.service ?? DEFAULT_SERVICE,
        contact: deps.settings.contact,
      }),
      covers: ordered.map(({ tenant, scope, slot }) => ({ tenant, scope, slot })),
    };
    if (!(await deps.mails.record(digest))) return [];
  }
  const outcome = await sendAll(deps, [digest]);
  const covers = digest.covers ?? [];
  // A digest the mail service refused: each mail it gathered shows as failed in its case's log.
  for (const failed of outcome.failed) {
    for (const ref of failed.covers ?? []) await deps.mails.markFailed(ref, 'digest refused');
  }
  // Gathered: out of the pending digest, whether sent now or by an earlier run.
  await deps.mails.digested(covers);
  return outcome.sent;
}
