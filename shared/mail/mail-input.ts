import type { CaseRecord, CaseStatus, RelationContext } from '../domain/case.ts';
import { type Day, type Deadline, parisDay } from '../domain/delais.ts';

/**
 * What a mail about a case may be built from, taken from the case as a change leaves it and kept
 * in the outbox item: ids, the status, the due date and counts. It holds no text typed by a user,
 * no avis and no demandeur: what is not here cannot reach a mail.
 */
export interface MailFacts {
  tenant: string;
  caseId: string;
  /** The relations at the time of the change: who the mails go to. */
  context: RelationContext;
  status: CaseStatus;
  deadline?: Deadline;
  avisReceived: number;
  avisRequested: number;
  /** When the change happened (for the accusé de réception: the date of receipt). */
  at: string;
}

/** The facts of a case for its mails, as `record` stands after a change made at `at`. */
export function mailFactsOf(record: CaseRecord, at: string): MailFacts {
  const { context } = record;
  const facts: MailFacts = {
    tenant: record.tenant,
    caseId: record.id,
    context: {
      centreId: context.centreId,
      submittedOnce: context.submittedOnce,
      consultedPartenaireIds: [...context.consultedPartenaireIds],
      ...(context.federationId !== undefined && { federationId: context.federationId }),
      ...(context.prestataireId !== undefined && { prestataireId: context.prestataireId }),
    },
    status: record.status,
    avisReceived: Object.keys(context.avis).filter((id) => context.consultedPartenaireIds.includes(id))
      .length,
    avisRequested: context.consultedPartenaireIds.length,
    at,
  };
  if (record.deadline) facts.deadline = { step: record.deadline.step, dueAt: record.deadline.dueAt };
  return facts;
}

/**
 * The only data a mail may use (DESIGN.md §7): the centre, the step, what is expected and by when,
 * the link to the case, the counts of avis and, for the accusé de réception, the date of receipt and
 * the service in charge. Built from a case by `mailInputOf`, which reads nothing typed by a user
 * (signes d'alerte, attentes, avis and their comments, motifs, comptes rendus), nor who gave which
 * avis, nor the demandeur, nor any document: a template cannot leak what it is never given.
 *
 * Pure: no clock, no configuration (the caller passes the centre's name, the console URL and the
 * service in charge).
 */
export interface MailInput {
  caseId: string;
  /** The centre's name, from the referentiel. */
  centre: string;
  /** The step the case waits on (or its status), in French. */
  step: string;
  /** What is expected in that step, in French (empty once the case is closed). */
  expected: string;
  /** Of whom it is expected, in French with its preposition ("du centre"; empty once closed). */
  actor: string;
  /** The due date in French ("14 mars 2026"), absent when the case waits on no step. */
  dueAt?: string;
  /** `${appUrl}/dossiers/${caseId}` */
  link: string;
  avisReceived: number;
  avisRequested: number;
  /** The date of receipt of the fiche, in French (for the accusé de réception). */
  receivedOn: string;
  /** The service in charge ("la coordination de la Caf des Bouches-du-Rhône"). */
  service: string;
  /** How to reach it (an address or a telephone number from configuration). */
  contact: string;
  /** True when a rencontre des partenaires follows the restitution. */
  rencontreFollows: boolean;
  /** True when the case is in a final status. */
  closed: boolean;
}

export const DEFAULT_SERVICE = 'la coordination de la Caf des Bouches-du-Rhône';

export interface MailInputOptions {
  /** How to reach the service in charge (configuration). */
  contact: string;
  service?: string;
}

/** The steps and statuses in French. */
export const STEP_LABELS: Readonly<Record<CaseStatus, string>> = {
  brouillon: 'Fiche d’information en préparation',
  fiche_transmise: 'Instruction de la fiche d’information',
  saisine_concertee: 'Saisine concertée des partenaires',
  diagnostic_en_cours: 'Diagnostic en cours',
  rapport_a_valider: 'Validation du rapport de diagnostic',
  restitution_a_faire: 'Restitution du diagnostic',
  rencontre_partenaires: 'Rencontre des partenaires',
  cloturee: 'Dossier clôturé',
  refusee: 'Demande refusée',
  abandonnee: 'Demande retirée',
};

const EXPECTED: Readonly<Partial<Record<CaseStatus, { actor: string; expected: string }>>> = {
  brouillon: { actor: 'du centre', expected: 'la fiche d’information complétée et transmise' },
  fiche_transmise: {
    actor: 'de la coordination',
    expected: 'l’instruction de la fiche (ouvrir la saisine concertée ou demander un complément)',
  },
  saisine_concertee: {
    actor: 'des partenaires consultés, puis de la coordination',
    expected: 'l’avis de chaque partenaire consulté, puis la décision de la coordination',
  },
  diagnostic_en_cours: { actor: 'du prestataire', expected: 'le diagnostic et le dépôt du rapport' },
  rapport_a_valider: { actor: 'du centre', expected: 'la lecture et la validation du rapport de diagnostic' },
  restitution_a_faire: {
    actor: 'du prestataire',
    expected: 'l’organisation et l’enregistrement de la restitution',
  },
  rencontre_partenaires: {
    actor: 'de la coordination',
    expected: 'l’organisation et l’enregistrement de la rencontre des partenaires',
  },
};

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** `2026-03-14` → `14 mars 2026` (`1er` for the first of a month). */
export function frenchDate(day: Day): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const month = match && MONTHS[Number(match[2]) - 1];
  if (!match || !month) throw new RangeError(`Not a day: ${day}`);
  const d = Number(match[3]);
  return `${d === 1 ? '1er' : d} ${month} ${match[1]}`;
}

const FINAL: readonly CaseStatus[] = ['cloturee', 'refusee', 'abandonnee'];

export function mailInputOf(
  facts: MailFacts,
  centreName: string,
  appUrl: string,
  options: MailInputOptions,
): MailInput {
  const status: CaseStatus = facts.deadline?.step ?? facts.status;
  const expected = EXPECTED[status];
  const input: MailInput = {
    caseId: facts.caseId,
    centre: centreName,
    step: STEP_LABELS[status],
    expected: expected?.expected ?? '',
    actor: expected?.actor ?? '',
    link: `${appUrl.replace(/\/+$/, '')}/dossiers/${encodeURIComponent(facts.caseId)}`,
    // The counts say something only while the avis are awaited.
    avisReceived: status === 'saisine_concertee' ? facts.avisReceived : 0,
    avisRequested: status === 'saisine_concertee' ? facts.avisRequested : 0,
    receivedOn: frenchDate(parisDay(facts.at)),
    service: options.service ?? DEFAULT_SERVICE,
    contact: options.contact,
    rencontreFollows: facts.status === 'rencontre_partenaires',
    closed: FINAL.includes(facts.status),
  };
  if (facts.deadline) input.dueAt = frenchDate(facts.deadline.dueAt);
  return input;
}
