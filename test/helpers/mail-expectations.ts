import type { CaseStatus } from '../../shared/domain/case.ts';

/**
 * Who gets which mail for each event of DESIGN.md §7, written out by hand for the seeded users
 * (consulted: caf13, etat, commune-marseille; prestataire: singuliers-co). `G` stands for the
 * centre's gestionnaire: ca.tilleuls@ for an associative centre, direction@fed-ifac for a centre
 * its federation runs. Each row: the status the event is sent from, the event, who sends it, and
 * the mails by template id.
 */
export const G = 'GESTIONNAIRE';
const COORD = 'coordination@caf13.example.org';
const PARTNERS = [
  'avs@caf13.example.org',
  'politique-ville@etat.example.org',
  'cohesion@marseille.example.org',
];
const CONSULTANT = 'consultant@singuliers.example.org';

export type Sender = 'gestionnaire' | 'coordinateur' | 'caf13' | 'singuliers';

export interface MailExpectation {
  name: string;
  from: CaseStatus;
  body: Record<string, unknown>;
  by: Sender;
  /** Template id → recipients (G for the centre's gestionnaire). */
  mails: Record<string, string[]>;
}

export const MAIL_EXPECTATIONS: MailExpectation[] = [
  {
    name: 'SUBMIT_FICHE',
    from: 'brouillon',
    body: { type: 'SUBMIT_FICHE' },
    by: 'gestionnaire',
    // The accusé de réception goes to the author too.
    mails: { 'submit-fiche.action': [COORD], 'submit-fiche.accuse-reception': [G] },
  },
  {
    name: 'REQUEST_COMPLEMENT',
    from: 'fiche_transmise',
    body: { type: 'REQUEST_COMPLEMENT', message: 'Merci de préciser le budget.' },
    by: 'coordinateur',
    mails: { 'request-complement.action': [G] },
  },
  {
    name: 'OPEN_SAISINE',
    from: 'fiche_transmise',
    body: { type: 'OPEN_SAISINE', partenaireIds: ['caf13', 'etat', 'commune-marseille'] },
    by: 'coordinateur',
    mails: { 'open-saisine.action': PARTNERS, 'open-saisine.information': [G] },
  },
  {
    name: 'GIVE_AVIS',
    from: 'saisine_concertee',
    body: { type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Avis secret de la Caf' },
    by: 'caf13',
    mails: { 'give-avis.information': [COORD] },
  },
  {
    name: 'ACCEPT',
    from: 'saisine_concertee',
    body: { type: 'ACCEPT', prestataireId: 'singuliers-co' },
    by: 'coordinateur',
    mails: { 'accept.action': [CONSULTANT], 'accept.information': [G, ...PARTNERS] },
  },
  {
    name: 'REJECT',
    from: 'saisine_concertee',
    body: { type: 'REJECT', motif: 'Motif confidentiel du refus' },
    by: 'coordinateur',
    mails: { 'reject.information': [G, ...PARTNERS] },
  },
  {
    name: 'SUBMIT_RAPPORT',
    from: 'diagnostic_en_cours',
    body: { type: 'SUBMIT_RAPPORT' },
    by: 'singuliers',
    mails: { 'submit-rapport.action': [G] },
  },
  {
    name: 'REQUEST_REVISION',
    from: 'rapport_a_valider',
    body: { type: 'REQUEST_REVISION', commentaire: 'Reprendre la partie budget' },
    by: 'gestionnaire',
    mails: { 'request-revision.action': [CONSULTANT] },
  },
  {
    name: 'VALIDATE_RAPPORT',
    from: 'rapport_a_valider',
    body: { type: 'VALIDATE_RAPPORT' },
    by: 'gestionnaire',
    mails: { 'validate-rapport.action': [CONSULTANT], 'validate-rapport.information': [COORD, ...PARTNERS] },
  },
  {
    name: 'RECORD_RESTITUTION with a rencontre',
    from: 'restitution_a_faire',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: true },
    by: 'singuliers',
    mails: { 'record-restitution.action': [COORD], 'record-restitution.information': [G, ...PARTNERS] },
  },
  {
    name: 'RECORD_RESTITUTION closing the case',
    from: 'restitution_a_faire',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: false },
    by: 'singuliers',
    mails: { 'record-restitution.information': [COORD, G] },
  },
  {
    name: 'RECORD_RENCONTRE',
    from: 'rencontre_partenaires',
    body: { type: 'RECORD_RENCONTRE', date: '2026-05-12' },
    by: 'coordinateur',
    mails: { 'record-rencontre.information': [G, ...PARTNERS, CONSULTANT] },
  },
  {
    name: 'WITHDRAW of a draft never sent',
    from: 'brouillon',
    body: { type: 'WITHDRAW' },
    by: 'gestionnaire',
    mails: {},
  },
  {
    name: 'WITHDRAW after the fiche was sent',
    from: 'fiche_transmise',
    body: { type: 'WITHDRAW' },
    by: 'gestionnaire',
    mails: { 'withdraw.information': [COORD] },
  },
  {
    name: 'WITHDRAW during the saisine',
    from: 'saisine_concertee',
    body: { type: 'WITHDRAW' },
    by: 'gestionnaire',
    mails: { 'withdraw.information': [COORD, ...PARTNERS] },
  },
];

/** The expected mails with G replaced by the centre's gestionnaire, as sorted `template → email` lines. */
export function expectedLines(expectation: MailExpectation, gestionnaire: string): string[] {
  return Object.entries(expectation.mails)
    .flatMap(([template, to]) => to.map((email) => `${template} → ${email === G ? gestionnaire : email}`))
    .sort();
}

/** The two kinds of centre, with the gestionnaire who acts for each. */
export const CENTRE_KINDS = [
  { kind: 'association', centreId: 'cs-tilleuls', gestionnaire: 'ca.tilleuls@example.org' },
  {
    kind: 'federation',
    centreId: 'cs-mistral',
    federationId: 'fed-ifac',
    gestionnaire: 'direction@fed-ifac.example.org',
  },
] as const;
