import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, rapportDocument, send, USERS } from '../helpers/cases.ts';
import { postToStorage, requestUpload, SAMPLE } from '../helpers/documents.ts';
import { emulatorAccess, objectExists } from '../helpers/fixtures.ts';

/**
 * Issue 7, documents: the upload window is checked again at confirm (a document never becomes
 * available once its window has closed), and the tickets waiting for their file are capped per case.
 */

const api = apiClient();
const { clients, documents } = emulatorAccess();
const TENANT = 'caf13';
const CAP = 20;

const keyOf = (c: CaseFacts, documentId: string) =>
  `centres/${c.centreId}/cases/${c.id}/documents/${documentId}`;
const stagingOf = (c: CaseFacts, documentId: string) => `incoming/${keyOf(c, documentId)}`;

/** A ticket, and the file POSTed with its form; not confirmed. */
async function staged(c: CaseFacts, as: string, kind: 'piece_jointe' | 'rapport' = 'piece_jointe') {
  const ticket = await requestUpload(api, as, c.id, { kind });
  expect(ticket.status, ticket.text).toBe(201);
  const stored = await postToStorage(ticket.json.upload, SAMPLE.pdf, 'application/pdf');
  expect(stored.status).toBeLessThan(300);
  return ticket.json.document.id as string;
}

const confirm = (c: CaseFacts, documentId: string, as: string) =>
  api.call('POST', `/cases/${c.id}/documents/${documentId}/confirm`, { as });

/** Refused at confirm with 409: rejected with a reason, no object left, nobody gets it. */
async function expectRefusedAtConfirm(c: CaseFacts, documentId: string, as: string, readers: string[]) {
  const res = await confirm(c, documentId, as);
  expect(res.status, res.text).toBe(409);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.json.detail).toContain(c.status);
  const stored = await documents.getDocument(TENANT, c.id, documentId);
  expect(stored).toMatchObject({ status: 'rejected', rejection: expect.stringContaining(c.status) });
  expect(await objectExists(stagingOf(c, documentId))).toBe(false);
  expect(await objectExists(keyOf(c, documentId))).toBe(false);
  for (const reader of readers) {
    const listed = await api.call('GET', `/cases/${c.id}/documents`, { as: reader });
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((d: { id: string }) => d.id)).not.toContain(documentId);
    const link = await api.call('GET', `/cases/${c.id}/documents/${documentId}`, { as: reader });
    expect(link.status).toBe(403);
  }
  // Refused for good: confirming again does not revive it.
  expect((await confirm(c, documentId, as)).status).toBe(409);
}

describe('the upload window, checked again at confirm', () => {
  it('refuses a pièce jointe ticketed in fiche_transmise and confirmed after OPEN_SAISINE: the funders never see it', async () => {
    const c = await caseIn(api, 'fiche_transmise');
    const id = await staged(c, USERS.tilleuls);
    await send(api, USERS.coordination, c.id, { type: 'OPEN_SAISINE' });
    c.status = 'saisine_concertee';
    await expectRefusedAtConfirm(c, id, USERS.tilleuls, [USERS.caf, USERS.marseille, USERS.coordination]);
  });

  it('refuses a pièce jointe confirmed into a withdrawn case', async () => {
    const c = await caseIn(api, 'brouillon');
    const id = await staged(c, USERS.tilleuls);
    await send(api, USERS.tilleuls, c.id, { type: 'WITHDRAW' });
    c.status = 'abandonnee';
    await expectRefusedAtConfirm(c, id, USERS.tilleuls, []);
  });

  it('refuses a second rapport confirmed after the first was submitted: the firm cannot slip one in', async () => {
    const c = await caseIn(api, 'diagnostic_en_cours');
    const late = await staged(c, USERS.singuliers, 'rapport');
    const first = await rapportDocument(api, c.id);
    await send(api, USERS.singuliers, c.id, { type: 'SUBMIT_RAPPORT', documentId: first });
    c.status = 'rapport_a_valider';
    await expectRefusedAtConfirm(c, late, USERS.singuliers, [USERS.tilleuls]);
  });

  it('confirms a pièce jointe whose case moved to a status that still allows it (brouillon → fiche_transmise)', async () => {
    const c = await caseIn(api, 'brouillon');
    const id = await staged(c, USERS.tilleuls);
    await send(api, USERS.tilleuls, c.id, { type: 'SUBMIT_FICHE' });
    const res = await confirm(c, id, USERS.tilleuls);
    expect(res.status, res.text).toBe(200);
    expect(res.json.document.status).toBe('available');
    expect(await objectExists(keyOf(c, id))).toBe(true);
    expect(await objectExists(stagingOf(c, id))).toBe(false);
  });
});

describe('upload tickets waiting for their file', () => {
  const ticket = (c: CaseFacts) => requestUpload(api, USERS.tilleuls, c.id, { kind: 'piece_jointe' });
  const pendingCount = async (c: CaseFacts) =>
    (await documents.listDocuments(TENANT, c.id)).filter((d) => d.status === 'pending').length;

  it(`are capped at ${CAP} per case: the next one is a 409 naming the cap, and records nothing`, async () => {
    const c = await caseIn(api, 'brouillon');
    for (let i = 0; i < CAP; i++) expect((await ticket(c)).status).toBe(201);
    const refused = await ticket(c);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.json.detail).toContain(`${CAP} uploads`);
    expect(await pendingCount(c)).toBe(CAP);
  });

  it('hold the cap under 30 simultaneous requests: exactly 20 tickets', async () => {
    const c = await caseIn(api, 'brouillon');
    const answers = await Promise.all(Array.from({ length: 30 }, () => ticket(c)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(CAP);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(30 - CAP);
    expect(await pendingCount(c)).toBe(CAP);
  });

  it('free a place once a ticket is confirmed, refused, or expired (15 minutes)', async () => {
    const c = await caseIn(api, 'brouillon');
    const tickets = [];
    for (let i = 0; i < CAP; i++) tickets.push((await ticket(c)).json);
    expect((await ticket(c)).status).toBe(409);

    // Confirmed: its place is free again.
    await postToStorage(tickets[0].upload, SAMPLE.pdf, 'application/pdf');
    expect((await confirm(c, tickets[0].document.id, USERS.tilleuls)).status).toBe(200);
    expect((await ticket(c)).status).toBe(201);
    expect((await ticket(c)).status).toBe(409);

    // Refused at confirm (wrong bytes): free again.
    await postToStorage(
      tickets[1].upload,
      SAMPLE.executable.subarray(0, SAMPLE.pdf.length),
      'application/pdf',
    );
    expect((await confirm(c, tickets[1].document.id, USERS.tilleuls)).status).toBe(422);
    expect((await ticket(c)).status).toBe(201);
    expect((await ticket(c)).status).toBe(409);

    // Expired: a ticket 15 minutes old no longer counts (its slot aged in the table).
    const slot = (await documents.getDocument(TENANT, c.id, tickets[2].document.id))?.uploadSlot;
    expect(slot).toEqual(expect.any(Number));
    await clients.db.send(
      new UpdateCommand({
        TableName: LOCAL_TABLE,
        Key: { pk: `T#${TENANT}#CASE#${c.id}`, sk: `UPLOAD#${String(slot).padStart(2, '0')}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    expect((await ticket(c)).status).toBe(201);
    expect((await ticket(c)).status).toBe(409);
  });
});
