import { allowedEvents } from '../../workflows/case-workflow.ts';
import type { Caller } from '../domain/caller.ts';
import type {
  Actor,
  Audience,
  CaseRecord,
  CaseStatus,
  CaseView,
  HistoryEvent,
  HistoryEventView,
  Relation,
  RelationContext,
} from '../domain/case.ts';
import { viewDeadline } from '../domain/delais.ts';
import type { DocumentKind, DocumentRecord, DocumentView } from '../domain/document.ts';
import type { Centre } from '../domain/referentiel.ts';

/**
 * Who may see what (DESIGN.md §2), decided here and nowhere else. Handlers and use cases ask
 * this module; they never test roles themselves.
 */

export type { Relation };

/**
 * How the caller stands to a case, decided here once; undefined means the case does not exist
 * for them (404). The machine trusts it: each event names the relation that sends it.
 */
export function relationTo(
  caller: Pick<Caller, 'tenant' | 'role' | 'organisationId'>,
  record: { tenant: string; context: RelationContext },
): Relation | undefined {
  if (caller.tenant !== record.tenant) return undefined;
  const { context } = record;
  switch (caller.role) {
    case 'gestionnaire':
      return caller.organisationId === context.centreId || caller.organisationId === context.federationId
        ? 'gestionnaire'
        : undefined;
    case 'coordinateur':
      return context.submittedOnce ? 'coordinateur' : undefined;
    case 'partenaire':
      return context.consultedPartenaireIds.includes(caller.organisationId) ? 'partenaire' : undefined;
    case 'prestataire':
      return context.prestataireId === caller.organisationId ? 'prestataire' : undefined;
  }
}

const RELATION_OF_AUDIENCE: Readonly<Record<Audience, Relation>> = {
  gestionnaire: 'gestionnaire',
  coordination: 'coordinateur',
  'consulted-partenaires': 'partenaire',
  prestataire: 'prestataire',
};

/**
 * Whether a user is in an audience of a case's mails: the same relation as the one that lets it
 * see the case, so a mail never reaches someone the case does not exist for.
 */
export function inAudience(
  user: Pick<Caller, 'tenant' | 'role' | 'organisationId'>,
  audience: Audience,
  at: { tenant: string; context: RelationContext },
): boolean {
  return relationTo(user, at) === RELATION_OF_AUDIENCE[audience];
}

/** A gestionnaire opens cases for its own centre, or for a centre its federation runs. */
export function mayOpenCaseFor(caller: Caller, centre: Centre): boolean {
  return (
    caller.role === 'gestionnaire' &&
    (centre.id === caller.organisationId || centre.federationId === caller.organisationId)
  );
}

export const mayOpenCases = (caller: Caller): boolean => caller.role === 'gestionnaire';

/** Avis, and who gave them, are for the coordinateur and the consulted partenaires only. */
const seesAvis = (relation: Relation) => relation === 'coordinateur' || relation === 'partenaire';

/** The coordination's listing key: every submitted case is under it. */
export const COORDINATION_VIEWER = 'coordination';

/** The listing key under which a caller finds the cases it may see. */
export function viewerKeyOf(caller: Caller): string {
  return caller.role === 'coordinateur' ? COORDINATION_VIEWER : `org#${caller.organisationId}`;
}

/** Every listing key that must find this case: the inverse of `relationTo`. */
export function viewerKeysOf(record: CaseRecord): string[] {
  const { context } = record;
  return [
    `org#${context.centreId}`,
    ...(context.federationId ? [`org#${context.federationId}`] : []),
    ...(context.submittedOnce ? [COORDINATION_VIEWER] : []),
    ...context.consultedPartenaireIds.map((id) => `org#${id}`),
    ...(context.prestataireId ? [`org#${context.prestataireId}`] : []),
  ];
}

export const actorOf = (caller: Caller): Actor => ({
  sub: caller.sub,
  role: caller.role,
  organisationId: caller.organisationId,
});

/** The rapport's versions are the centre's and its consultant's; the funders see the validated one only. */
function rapportView({ context: { rapport } }: CaseRecord, relation: Relation): Pick<CaseView, 'rapport'> {
  if (rapport.submissions === 0) return {};
  if (relation === 'gestionnaire' || relation === 'prestataire') return { rapport };
  return rapport.validatedDocumentId ? { rapport: { validatedDocumentId: rapport.validatedDocumentId } } : {};
}

/**
 * The case as this relation may see it at `now`: its due date (overdue from the day after), the
 * count of avis while the saisine runs (for those who see avis), and the events it may send now.
 */
export function caseView(record: CaseRecord, relation: Relation, now: Date): CaseView {
  const { context } = record;
  const avisCounts = record.status === 'saisine_concertee' && seesAvis(relation);
  return {
    id: record.id,
    centreId: record.centreId,
    status: record.status,
    version: record.version,
    fiche: context.fiche,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(context.prestataireId && { prestataireId: context.prestataireId }),
    ...(context.consultedPartenaireIds.length > 0 && {
      consultedPartenaireIds: context.consultedPartenaireIds,
    }),
    ...(seesAvis(relation) &&
      Object.keys(context.avis).length > 0 && {
        avis: Object.entries(context.avis).map(([partenaireId, entry]) => ({ partenaireId, ...entry })),
      }),
    ...(context.decision && { decision: context.decision }),
    ...rapportView(record, relation),
    ...(context.restitution && { restitution: context.restitution }),
    ...(context.rencontre && { rencontre: context.rencontre }),
    ...(context.withdrawal && { withdrawal: context.withdrawal }),
    ...(record.deadline && { deadline: viewDeadline(record.deadline, now) }),
    ...(avisCounts && {
      avisReceived: Object.keys(context.avis).length,
      avisRequested: context.consultedPartenaireIds.length,
    }),
    allowedEvents: allowedEvents(record, relation),
  };
}

/**
 * Events whose content some relations may not read: an avis is for the coordinateur and the
 * consulted partenaires; the drafts of the fiche are the centre's (the funders read the fiche as
 * it stands); the rapport's submissions and the centre's revision requests stay between the
 * centre and its consultant until the centre validates the rapport.
 */
const HIDDEN_FROM: Record<string, Relation[]> = {
  GIVE_AVIS: ['gestionnaire', 'prestataire'],
  CASE_CREATED: ['coordinateur', 'partenaire'],
  UPDATE_FICHE: ['coordinateur', 'partenaire'],
  SUBMIT_RAPPORT: ['coordinateur', 'partenaire'],
  REQUEST_REVISION: ['coordinateur', 'partenaire'],
};

/** The history as this caller may read it: a hidden event keeps its place in the chain, not its author or content. */
export function historyView(events: HistoryEvent[], relation: Relation): HistoryEventView[] {
  return events.map(({ seq, type, at, actor, payload, salt, prevHash, hash }) =>
    HIDDEN_FROM[type]?.includes(relation)
      ? { seq, type, at, actor: { role: actor.role }, redacted: true, prevHash, hash }
      : {
          seq,
          type,
          at,
          actor: { role: actor.role, organisationId: actor.organisationId },
          payload,
          salt,
          prevHash,
          hash,
        },
  );
}

/** Who may upload which kind of document, and in which statuses (DESIGN.md §2). */
const UPLOADS: Record<DocumentKind, { relation: Relation; statuses: CaseStatus[] }[]> = {
  piece_jointe: [{ relation: 'gestionnaire', statuses: ['brouillon', 'fiche_transmise'] }],
  rapport: [{ relation: 'prestataire', statuses: ['diagnostic_en_cours'] }],
  compte_rendu: [
    { relation: 'prestataire', statuses: ['restitution_a_faire'] },
    { relation: 'coordinateur', statuses: ['rencontre_partenaires'] },
  ],
};

/** 'forbidden' (403): this relation never uploads this kind; 'not-now' (409): not in this status. */
export function mayUpload(
  relation: Relation,
  kind: DocumentKind,
  status: CaseStatus,
): 'ok' | 'forbidden' | 'not-now' {
  const rules = UPLOADS[kind].filter((rule) => rule.relation === relation);
  if (rules.length === 0) return 'forbidden';
  return rules.some((rule) => rule.statuses.includes(status)) ? 'ok' : 'not-now';
}

/**
 * Whether the caller may see a document of a case it sees. A rapport goes to the gestionnaire
 * once submitted, and to the coordinateur and the partenaires only in its validated version;
 * before submission it stays with the firm that uploaded it. A document not yet confirmed is
 * seen by its uploader only.
 */
export function maySeeDocument(
  caller: Caller,
  relation: Relation,
  record: CaseRecord,
  document: DocumentRecord,
): boolean {
  if (document.status !== 'available') return document.uploadedBy === caller.sub;
  if (document.kind !== 'rapport') return true;
  const { rapport } = record.context;
  if (rapport.validatedDocumentId === document.id) return true;
  if (rapport.submittedDocumentIds.includes(document.id)) {
    return relation === 'gestionnaire' || relation === 'prestataire';
  }
  return relation === 'prestataire' && caller.organisationId === document.uploaderOrganisationId;
}

/** Only the centre and the coordination read who downloaded what. */
export const maySeeAccessLog = (relation: Relation): boolean =>
  relation === 'gestionnaire' || relation === 'coordinateur';

/** The mail log names every recipient: for the coordination only. */
export const maySeeMailLog = (relation: Relation): boolean => relation === 'coordinateur';

/** The version number of a submitted rapport (1 for the first submission). */
export function rapportVersion(record: CaseRecord, documentId: string): number | undefined {
  const index = record.context.rapport.submittedDocumentIds.indexOf(documentId);
  return index >= 0 ? index + 1 : undefined;
}

export function documentView(record: CaseRecord, document: DocumentRecord): DocumentView {
  const {
    key: _key,
    uploadedBy: _by,
    versionId: _version,
    uploadSlot: _slot,
    confirmingUntil: _claim,
    ...shown
  } = document;
  const version = document.kind === 'rapport' ? rapportVersion(record, document.id) : undefined;
  return { ...shown, ...(version && { rapportVersion: version }) };
}
