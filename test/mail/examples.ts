import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CaseRecord, CaseStatus } from '../../shared/domain/case.ts';
import type { DelaiStep } from '../../shared/domain/delais.ts';
import { type MailInput, mailFactsOf, mailInputOf } from '../../shared/mail/mail-input.ts';
import {
  CASE_MAIL_TEMPLATES,
  type CaseMailTemplateId,
  DIGEST_TEMPLATE,
  type DigestInput,
  digestItemOf,
  renderMail,
} from '../../shared/mail/templates.ts';

/**
 * Renders every mail for a fictional case of the Centre social Les Tilleuls and writes them to
 * docs/mails/ (`npm run mails:examples`). The unit tests use the same samples.
 */

export const APP_URL = 'https://renfort.example.fr';
export const CENTRE = 'Centre social Les Tilleuls';
export const CONTACT = 'coordination.renfort@caf13.example.fr';
export const CASE_ID = 'c-01jq8x2m4n5p6r7s8t9v0w1x2y';
/** When the change behind each example mail happened. */
export const EXAMPLE_AT = '2026-03-02T09:00:00.000Z';

/** The state of the case when each mail is sent: its status and, if it waits, its due date. */
export const SAMPLES: Record<CaseMailTemplateId, { status: CaseStatus; dueAt?: string }> = {
  'submit-fiche.action': { status: 'fiche_transmise', dueAt: '2026-03-09' },
  'submit-fiche.accuse-reception': { status: 'fiche_transmise', dueAt: '2026-03-09' },
  'request-complement.action': { status: 'brouillon' },
  'open-saisine.action': { status: 'saisine_concertee', dueAt: '2026-03-19' },
  'open-saisine.information': { status: 'saisine_concertee', dueAt: '2026-03-19' },
  'give-avis.information': { status: 'saisine_concertee', dueAt: '2026-03-19' },
  'accept.action': { status: 'diagnostic_en_cours', dueAt: '2026-04-20' },
  'accept.information': { status: 'diagnostic_en_cours', dueAt: '2026-04-20' },
  'reject.information': { status: 'refusee' },
  'submit-rapport.action': { status: 'rapport_a_valider', dueAt: '2026-05-04' },
  'request-revision.action': { status: 'diagnostic_en_cours', dueAt: '2026-05-19' },
  'validate-rapport.action': { status: 'restitution_a_faire', dueAt: '2026-06-01' },
  'validate-rapport.information': { status: 'restitution_a_faire', dueAt: '2026-06-01' },
  'record-restitution.action': { status: 'rencontre_partenaires', dueAt: '2026-07-15' },
  'record-restitution.information': { status: 'rencontre_partenaires', dueAt: '2026-07-15' },
  'record-rencontre.information': { status: 'cloturee' },
  'withdraw.information': { status: 'abandonnee' },
  rappel: { status: 'saisine_concertee', dueAt: '2026-03-19' },
  retard: { status: 'rapport_a_valider', dueAt: '2026-05-04' },
  escalade: { status: 'saisine_concertee', dueAt: '2026-03-19' },
};

/** A fictional case in `status`, with two avis of three partners consulted. */
export function exampleRecord(status: CaseStatus, dueAt?: string): CaseRecord {
  const record: CaseRecord = {
    id: CASE_ID,
    tenant: 'caf13',
    centreId: 'cs-tilleuls',
    version: 7,
    createdAt: '2026-02-27T10:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    headHash: 'f'.repeat(64),
    status,
    context: {
      centreId: 'cs-tilleuls',
      fiche: {
        nature: 'preventive',
        domaines: ['gestion_financiere', 'autre'],
        domaineAutre: 'Locaux',
        signesAlerte: 'Trésorerie tendue depuis l’automne',
        demandeur: { nom: 'Camille Martin', qualite: 'Présidente', email: 'presidence@tilleuls.example.fr' },
        attentes: 'Un regard extérieur sur le budget',
      },
      submittedOnce: true,
      consultedPartenaireIds: ['caf13', 'etat', 'commune-marseille'],
      avis: {
        caf13: { avis: 'favorable', commentaire: 'Projet solide', at: '2026-03-10T09:00:00.000Z' },
        etat: { avis: 'reserve', at: '2026-03-11T09:00:00.000Z' },
      },
      rapport: { submittedDocumentIds: [], submissions: 0, revisions: 0 },
    },
  };
  if (dueAt) record.deadline = { step: status as DelaiStep, dueAt };
  return record;
}

export function exampleInput(id: CaseMailTemplateId): MailInput {
  const sample = SAMPLES[id];
  return mailInputOf(mailFactsOf(exampleRecord(sample.status, sample.dueAt), EXAMPLE_AT), CENTRE, APP_URL, {
    contact: CONTACT,
  });
}

export function exampleDigest(): DigestInput {
  const ids: CaseMailTemplateId[] = [
    'open-saisine.information',
    'accept.information',
    'withdraw.information',
  ];
  return {
    day: '19 mars 2026',
    items: ids.map((id) => digestItemOf(CASE_MAIL_TEMPLATES[id], exampleInput(id))),
    service: 'la coordination de la Caf des Bouches-du-Rhône',
    contact: CONTACT,
  };
}

function main(): void {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../docs/mails');
  mkdirSync(dir, { recursive: true });
  const rows: string[] = [];
  const write = (
    id: string,
    recipients: string,
    kind: string,
    mail: { subject: string; text: string; html: string },
  ) => {
    writeFileSync(join(dir, `${id}.txt`), `Objet : ${mail.subject}\n\n${mail.text}`);
    writeFileSync(join(dir, `${id}.html`), mail.html);
    rows.push(
      `| \`${id}\` | ${kind} | ${recipients} | ${mail.subject} | [txt](${id}.txt), [html](${id}.html) |`,
    );
  };
  for (const [id, template] of Object.entries(CASE_MAIL_TEMPLATES)) {
    write(
      id,
      template.recipients,
      template.kind,
      renderMail(template, exampleInput(id as CaseMailTemplateId)),
    );
  }
  write(
    DIGEST_TEMPLATE.id,
    DIGEST_TEMPLATE.recipients,
    DIGEST_TEMPLATE.kind,
    renderMail(DIGEST_TEMPLATE, exampleDigest()),
  );
  const readme = [
    '# The mails (examples)',
    '',
    'Every mail of DESIGN.md §7, rendered by `shared/mail/templates.ts` for a fictional case of the',
    `${CENTRE}. Generated by \`npm run mails:examples\` (test/mail/examples.ts): do not edit by hand.`,
    '',
    'A mail names the centre, the step, what is expected and by when, and links to the case; it never',
    'carries text typed by a user, who gave which avis, the demandeur, nor any document.',
    '',
    '| template | kind | recipients | subject | files |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'README.md'), readme);
  console.log(`${rows.length} mails written to ${dir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
