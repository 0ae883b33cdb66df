import { describe, expect, inject, it } from 'vitest';
import { seedUsers } from '../../infra/local/seed-data.ts';
import { apiClient } from '../helpers/api.ts';
import { rapportDocument, USERS } from '../helpers/cases.ts';
import { COMPLETE_FICHE } from '../helpers/fixtures.ts';
import {
  CENTRE_KINDS,
  expectedLines,
  MAIL_EXPECTATIONS,
  type MailExpectation,
  type Sender,
} from '../helpers/mail-expectations.ts';
import { type StoredMail, storedMailsOf } from '../helpers/ses-store.ts';

/**
 * The recipients of every mail of DESIGN.md §7, for a centre run by its association and one run by
 * its federation, through the whole local stack: the API commits the change, the dispatcher reads
 * DynamoDB Local's stream, SES's emulator receives the mail (`GET /store`). Only the seeded users'
 * mails are compared: other test files invite users into the same organisations meanwhile.
 */

const api = apiClient();
const SEEDED = new Set(seedUsers.map((u) => u.email));
const CONSULTED = ['caf13', 'etat', 'commune-marseille'];

/** The case's mails to the seeded users. */
async function seededMailsOf(caseId: string): Promise<StoredMail[]> {
  return (await storedMailsOf(inject('endpoints').ses, caseId)).filter((m) =>
    SEEDED.has(m.destination.to[0] ?? ''),
  );
}

const byName = (name: string) => MAIL_EXPECTATIONS.find((e) => e.name === name) as MailExpectation;

/** A case walked event by event; after each, the mails it caused are awaited and compared. */
async function walk(kind: (typeof CENTRE_KINDS)[number], steps: string[]) {
  const gestionnaire = kind.gestionnaire;
  const senders: Record<Sender, string> = {
    gestionnaire,
    coordinateur: USERS.coordination,
    caf13: USERS.caf,
    singuliers: USERS.singuliers,
  };
  const created = await api.call('POST', '/cases', {
    as: gestionnaire,
    body: { centreId: kind.centreId, fiche: COMPLETE_FICHE },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.json.id as string;
  let seen = 0;
  const log: string[] = [];
  for (const name of steps) {
    const expectation = byName(name);
    let body = { ...expectation.body };
    if (body.type === 'OPEN_SAISINE') body = { ...body, partenaireIds: CONSULTED };
    if (body.type === 'SUBMIT_RAPPORT') body = { ...body, documentId: await rapportDocument(api, id) };
    const sent = await api.call('POST', `/cases/${id}/events`, { as: senders[expectation.by], body });
    expect(sent.status, `${name}: ${sent.text}`).toBe(200);
    const expected = expectedLines(expectation, gestionnaire);
    let mails: StoredMail[] = [];
    const deadline = Date.now() + 5000;
    do {
      mails = (await seededMailsOf(id)).slice(seen);
      if (mails.length >= expected.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    seen += mails.length;
    const to = mails.map((m) => m.destination.to[0]).sort();
    expect(to, `${kind.kind} ${name}`).toEqual(expected.map((line) => line.split(' → ')[1]).sort());
    for (const mail of mails) expect(mail.subject).toMatch(/^Renfort — Centre social /);
    log.push(...expected);
  }
  // Nothing more arrives late.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await seededMailsOf(id)).length).toBe(seen);
  // The coordination's mail log says the same, template by template, every line sent.
  const mailLog = await api.call('GET', `/cases/${id}/mails`, { as: USERS.coordination });
  // A draft never sent does not exist for the coordination, nor does its mail log.
  if (log.length === 0 && steps[0] === 'WITHDRAW of a draft never sent') {
    expect(mailLog.status).toBe(404);
    return;
  }
  expect(mailLog.status).toBe(200);
  const logged = (mailLog.json.items as { template: string; to: string; status: string }[])
    .filter((m) => SEEDED.has(m.to))
    .map((m) => `${m.template} → ${m.to} (${m.status})`)
    .sort();
  expect(logged).toEqual(log.map((line) => `${line} (sent)`).sort());
}

describe('the recipients of each mail, through the local stack to the SES emulator', () => {
  for (const kind of CENTRE_KINDS) {
    describe(`for ${kind.centreId} (${kind.kind})`, () => {
      it('along the whole procedure, with a complement and a revision', async () => {
        await walk(kind, [
          'SUBMIT_FICHE',
          'REQUEST_COMPLEMENT',
          'SUBMIT_FICHE',
          'OPEN_SAISINE',
          'GIVE_AVIS',
          'ACCEPT',
          'SUBMIT_RAPPORT',
          'REQUEST_REVISION',
          'SUBMIT_RAPPORT',
          'VALIDATE_RAPPORT',
          'RECORD_RESTITUTION with a rencontre',
          'RECORD_RENCONTRE',
        ]);
      }, 60_000);

      it('for a refusal', async () => {
        await walk(kind, ['SUBMIT_FICHE', 'OPEN_SAISINE', 'REJECT']);
      }, 30_000);

      it('for a restitution that closes the case', async () => {
        await walk(kind, [
          'SUBMIT_FICHE',
          'OPEN_SAISINE',
          'GIVE_AVIS',
          'ACCEPT',
          'SUBMIT_RAPPORT',
          'VALIDATE_RAPPORT',
          'RECORD_RESTITUTION closing the case',
        ]);
      }, 60_000);

      it('for withdrawals: of a draft never sent, after the fiche was sent, during the saisine', async () => {
        await walk(kind, ['WITHDRAW of a draft never sent']);
        await walk(kind, ['SUBMIT_FICHE', 'WITHDRAW after the fiche was sent']);
        await walk(kind, ['SUBMIT_FICHE', 'OPEN_SAISINE', 'WITHDRAW during the saisine']);
      }, 60_000);
    });
  }
});
