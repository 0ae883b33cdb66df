import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../../shared/domain/case.ts';
import { frenchDate, mailFactsOf, mailInputOf, STEP_LABELS } from '../../../shared/mail/mail-input.ts';
import {
  CASE_MAIL_TEMPLATES,
  type CaseMailTemplateId,
  DIGEST_TEMPLATE,
  digestItemOf,
  renderMail,
} from '../../../shared/mail/templates.ts';
import {
  APP_URL,
  CASE_ID,
  CENTRE,
  CONTACT,
  EXAMPLE_AT,
  exampleDigest,
  exampleInput,
  exampleRecord,
  SAMPLES,
} from '../../mail/examples.ts';

const IDS = Object.keys(CASE_MAIL_TEMPLATES) as CaseMailTemplateId[];
const LINK = `${APP_URL}/dossiers/${CASE_ID}`;
const FRENCH = /[éèàç’]|\b(le|la|du|dossier|centre)\b/;

/** The §7 table: each event's action and information mails, then the daily job's. */
const EXPECTED_IDS = [
  'submit-fiche.action',
  'submit-fiche.accuse-reception',
  'request-complement.action',
  'open-saisine.action',
  'open-saisine.information',
  'give-avis.information',
  'accept.action',
  'accept.information',
  'reject.information',
  'submit-rapport.action',
  'request-revision.action',
  'validate-rapport.action',
  'validate-rapport.information',
  'record-restitution.action',
  'record-restitution.information',
  'record-rencontre.information',
  'withdraw.information',
  'rappel',
  'retard',
  'escalade',
];

describe('frenchDate', () => {
  it('writes a day in French', () => {
    expect(frenchDate('2026-03-14')).toBe('14 mars 2026');
    expect(frenchDate('2026-08-01')).toBe('1er août 2026');
    expect(() => frenchDate('2026-13-01')).toThrow(RangeError);
  });
});

describe('mailInputOf', () => {
  it('carries the centre, the step in French, the due date, the link and the counts', () => {
    const input = mailInputOf(
      mailFactsOf(exampleRecord('saisine_concertee', '2026-03-14'), EXAMPLE_AT),
      CENTRE,
      `${APP_URL}/`,
      {
        contact: CONTACT,
      },
    );
    expect(input).toMatchObject({
      caseId: CASE_ID,
      centre: CENTRE,
      step: STEP_LABELS.saisine_concertee,
      dueAt: '14 mars 2026',
      link: LINK,
      avisReceived: 2,
      avisRequested: 3,
      receivedOn: '2 mars 2026',
      service: 'la coordination de la Caf des Bouches-du-Rhône',
      contact: CONTACT,
    });
  });

  it('gives the counts of avis only while they are awaited', () => {
    const later = mailInputOf(
      mailFactsOf(exampleRecord('restitution_a_faire', '2026-06-01'), EXAMPLE_AT),
      CENTRE,
      APP_URL,
      {
        contact: CONTACT,
      },
    );
    expect([later.avisReceived, later.avisRequested]).toEqual([0, 0]);
    expect(renderMail(CASE_MAIL_TEMPLATES.escalade, later).text).not.toContain('avis sur');
  });

  it('has no due date once the case is closed', () => {
    const input = mailInputOf(mailFactsOf(exampleRecord('refusee'), EXAMPLE_AT), CENTRE, APP_URL, {
      contact: CONTACT,
    });
    expect(input.dueAt).toBeUndefined();
    expect(input.closed).toBe(true);
  });
});

describe('the templates', () => {
  it('are the mails of DESIGN.md §7', () => {
    expect(IDS.sort()).toEqual([...EXPECTED_IDS].sort());
  });

  it.each(IDS)('%s renders a French mail naming the centre, the step, the due date and the link', (id) => {
    const input = exampleInput(id);
    const mail = renderMail(CASE_MAIL_TEMPLATES[id], input);
    for (const part of [mail.subject, mail.text, mail.html]) expect(part.trim()).not.toBe('');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain(CENTRE);
    for (const part of [mail.text, mail.html]) {
      expect(part).toMatch(FRENCH);
      expect(part).toContain(CENTRE);
      expect(part).toContain(input.step);
      if (SAMPLES[id].dueAt) expect(part).toContain(frenchDate(SAMPLES[id].dueAt as string));
    }
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(`href="${LINK.replaceAll('/', '&#x2F;')}"`);
    expect(mail.text).not.toMatch(/\{\{|&#x2F;|&amp;/);
  });

  it('the accusé de réception gives the date of receipt, the service in charge and its contact', () => {
    const { text } = renderMail(
      CASE_MAIL_TEMPLATES['submit-fiche.accuse-reception'],
      exampleInput('submit-fiche.accuse-reception'),
    );
    expect(text).toContain('reçue le 2 mars 2026');
    expect(text).toContain('la coordination de la Caf des Bouches-du-Rhône');
    expect(text).toContain(CONTACT);
  });

  it('the avis mail gives the counts only', () => {
    const mail = renderMail(
      CASE_MAIL_TEMPLATES['give-avis.information'],
      exampleInput('give-avis.information'),
    );
    expect(mail.subject).toContain('2 avis sur 3');
    expect(mail.text).not.toMatch(/favorable|réserv|commune-marseille|\betat\b/i);
  });

  it('the digest lists the day’s information mails, each with centre, step and link', () => {
    const mail = renderMail(DIGEST_TEMPLATE, exampleDigest());
    expect(mail.subject).toContain('19 mars 2026');
    const lines = mail.text.split('\n').filter((line) => line.startsWith('- '));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toContain(CENTRE);
      expect(line).toContain(LINK);
    }
    expect(lines[0]).toContain(STEP_LABELS.saisine_concertee);
    expect(mail.html.match(/<li>/g)).toHaveLength(3);
  });

  it('escapes the data in the HTML part', () => {
    const nasty = 'Centre <script>alert("x")</script> & Cie';
    const input = { ...exampleInput('rappel'), centre: nasty };
    const templates = [...IDS.map((id) => CASE_MAIL_TEMPLATES[id])];
    for (const template of templates) {
      const mail = renderMail(template, input);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('&lt;script&gt;');
      expect(mail.html).toContain('&amp; Cie');
      expect(mail.text).toContain(nasty);
    }
    const digest = renderMail(DIGEST_TEMPLATE, {
      ...exampleDigest(),
      items: [digestItemOf(CASE_MAIL_TEMPLATES['accept.information'], input)],
    });
    expect(digest.html).not.toContain('<script>');
    expect(digest.html).toContain('&lt;script&gt;');
    expect(digest.html).toContain('&amp; Cie');
  });

  it('keep the subject on one line', () => {
    const input = { ...exampleInput('rappel'), centre: 'Centre\r\nBcc: x@example.com' };
    expect(renderMail(CASE_MAIL_TEMPLATES.rappel, input).subject).not.toMatch(/[\r\n]/);
  });
});

describe('no confidential content (DESIGN.md §7)', () => {
  const token = fc.uuid();
  const digits = fc.stringMatching(/^[0-9]{12}$/);

  it('no free text, partner id, document id or demandeur detail of a case reaches any mail', () => {
    fc.assert(
      fc.property(
        fc.record({
          signesAlerte: token,
          attentes: token,
          domaineAutre: token,
          nom: token,
          qualite: token,
          email: token,
          telephone: digits,
          partenaires: fc.uniqueArray(token, { minLength: 1, maxLength: 4 }),
          commentaires: fc.array(token, { minLength: 4, maxLength: 4 }),
          motif: token,
          withdrawal: token,
          restitution: token,
          rencontre: token,
          documentId: token,
          prestataireId: token,
          federationId: token,
        }),
        fc.constantFrom(...IDS),
        (t, id) => {
          const base = exampleRecord(SAMPLES[id].status, SAMPLES[id].dueAt);
          const record: CaseRecord = {
            ...base,
            context: {
              ...base.context,
              federationId: t.federationId,
              fiche: {
                ...base.context.fiche,
                signesAlerte: t.signesAlerte,
                attentes: t.attentes,
                domaineAutre: t.domaineAutre,
                demandeur: {
                  nom: t.nom,
                  qualite: t.qualite,
                  email: `${t.email}@example.fr`,
                  telephone: t.telephone,
                },
              },
              consultedPartenaireIds: t.partenaires,
              avis: Object.fromEntries(
                t.partenaires.map((p, i) => [
                  p,
                  {
                    avis: 'defavorable' as const,
                    commentaire: t.commentaires[i],
                    at: '2026-03-10T09:00:00.000Z',
                  },
                ]),
              ),
              prestataireId: t.prestataireId,
              decision: { outcome: 'refused', motif: t.motif, at: '2026-03-12T09:00:00.000Z' },
              rapport: {
                submittedDocumentId: t.documentId,
                submittedDocumentIds: [t.documentId],
                validatedDocumentId: t.documentId,
                submissions: 1,
                revisions: 0,
              },
              restitution: { date: '2026-06-01', rencontrePartenaires: true, compteRendu: t.restitution },
              rencontre: { date: '2026-07-01', compteRendu: t.rencontre },
              withdrawal: { motif: t.withdrawal, at: '2026-03-01T09:00:00.000Z' },
            },
          };
          const input = mailInputOf(mailFactsOf(record, EXAMPLE_AT), CENTRE, APP_URL, { contact: CONTACT });
          const mails = [
            renderMail(CASE_MAIL_TEMPLATES[id], input),
            renderMail(DIGEST_TEMPLATE, {
              ...exampleDigest(),
              items: [digestItemOf(CASE_MAIL_TEMPLATES[id], input)],
            }),
          ];
          const secrets = Object.values(t).flat();
          for (const mail of mails) {
            const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
            for (const secret of secrets) expect(all).not.toContain(secret);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
