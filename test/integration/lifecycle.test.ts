import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { CaseSchema } from '../../shared/domain/case.ts';
import { verifyChain } from '../../shared/domain/history-chain.ts';
import { apiClient } from '../helpers/api.ts';
import { rapportDocument, send, USERS } from '../helpers/cases.ts';
import { SAMPLE } from '../helpers/documents.ts';
import { COMPLETE_FICHE, emulatorAccess } from '../helpers/fixtures.ts';
import { type StoredMail, storedMailsOf } from '../helpers/ses-store.ts';

const api = apiClient();
const { repository, clients } = emulatorAccess();

const getCase = async (as: string, id: string) => {
  const res = await api.call('GET', `/cases/${id}`, { as });
  return { status: res.status, case: res.status === 200 ? CaseSchema.parse(res.json) : undefined };
};

describe('the full lifecycle over HTTP, through the five steps', () => {
  it('takes a case of cs-tilleuls from the fiche to the closure, with a revision loop and a rencontre', async () => {
    // 1. Fiche: drafted in two steps by the centre's board, then submitted.
    const created = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-tilleuls', fiche: { nature: 'crise_averee' } },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({
      status: 'brouillon',
      version: 1,
      allowedEvents: ['SUBMIT_FICHE', 'WITHDRAW'],
    });
    expect((await getCase(USERS.coordination, id)).status).toBe(404);

    const incomplete = await api.call('POST', `/cases/${id}/events`, {
      as: USERS.tilleuls,
      body: { type: 'SUBMIT_FICHE' },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.json.errors.map((e: { path: string }) => e.path)).toEqual([
      'fiche.domaines',
      'fiche.signesAlerte',
      'fiche.demandeur.nom',
      'fiche.demandeur.qualite',
      'fiche.demandeur.email',
    ]);

    const fiche = await api.call('PUT', `/cases/${id}/fiche`, {
      as: USERS.tilleuls,
      body: { ...COMPLETE_FICHE, partenairesInformes: ['caf13'] },
      headers: { 'if-match': '"1"' },
    });
    expect(fiche.status).toBe(200);
    expect(fiche.json.version).toBe(2);
    expect(fiche.headers.get('etag')).toBe('"2"');
    expect((await send(api, USERS.tilleuls, id, { type: 'SUBMIT_FICHE' })).status).toBe('fiche_transmise');

    // 2. Saisine concertée: default consultation, two avis, acceptance.
    const coordView = await getCase(USERS.coordination, id);
    expect(coordView.case?.allowedEvents).toEqual(['REQUEST_COMPLEMENT', 'OPEN_SAISINE']);
    const saisine = await send(api, USERS.coordination, id, { type: 'OPEN_SAISINE' });
    expect(saisine.consultedPartenaireIds.sort()).toEqual(
      ['caf13', 'commune-marseille', 'departement', 'etat', 'region'].sort(),
    );
    expect((await getCase(USERS.vitrolles, id)).status).toBe(404);
    expect((await getCase(USERS.singuliers, id)).status).toBe(404);
    expect((await getCase(USERS.caf, id)).case?.allowedEvents).toEqual(['GIVE_AVIS']);

    await send(api, USERS.caf, id, { type: 'GIVE_AVIS', avis: 'reserve' });
    await send(api, USERS.caf, id, {
      type: 'GIVE_AVIS',
      avis: 'favorable',
      commentaire: 'Priorité du territoire.',
    });
    await send(api, USERS.marseille, id, { type: 'GIVE_AVIS', avis: 'defavorable', commentaire: 'Doublon.' });

    const forCoordination = (await getCase(USERS.coordination, id)).case;
    expect(forCoordination?.avis?.map((a) => [a.partenaireId, a.avis]).sort()).toEqual([
      ['caf13', 'favorable'],
      ['commune-marseille', 'defavorable'],
    ]);
    expect((await getCase(USERS.etat, id)).case?.avis).toHaveLength(2);
    expect((await getCase(USERS.tilleuls, id)).case?.avis).toBeUndefined();

    const accepted = await send(api, USERS.coordination, id, {
      type: 'ACCEPT',
      prestataireId: 'singuliers-co',
    });
    expect(accepted).toMatchObject({ status: 'diagnostic_en_cours', prestataireId: 'singuliers-co' });
    expect((await getCase(USERS.cabinetB, id)).status).toBe(404);
    const forPrestataire = (await getCase(USERS.singuliers, id)).case;
    expect(forPrestataire?.avis).toBeUndefined();
    expect(forPrestataire?.allowedEvents).toEqual(['SUBMIT_RAPPORT']);

    // 3-4. Diagnostic and rapport, with one revision asked by the centre.
    const first = await rapportDocument(api, id);
    await send(api, USERS.singuliers, id, { type: 'SUBMIT_RAPPORT', documentId: first });
    expect((await getCase(USERS.tilleuls, id)).case?.allowedEvents).toEqual([
      'REQUEST_REVISION',
      'VALIDATE_RAPPORT',
    ]);
    await send(api, USERS.tilleuls, id, { type: 'REQUEST_REVISION', commentaire: 'Compléter la partie RH.' });
    const second = await rapportDocument(api, id);
    await send(api, USERS.singuliers, id, { type: 'SUBMIT_RAPPORT', documentId: second });
    // The consultant reads its first draft again: the funders must learn nothing of it, not even its name.
    expect((await api.call('GET', `/cases/${id}/documents/${first}`, { as: USERS.singuliers })).status).toBe(
      200,
    );
    // Before validation, the funders see neither the rapport's versions nor the revision asked.
    expect((await getCase(USERS.etat, id)).case?.rapport).toBeUndefined();
    const early = await api.call('GET', `/cases/${id}/history`, { as: USERS.coordination });
    for (const entry of early.json.items.filter((e: { type: string }) =>
      ['SUBMIT_RAPPORT', 'REQUEST_REVISION'].includes(e.type),
    )) {
      expect(entry).toMatchObject({ redacted: true });
      expect(entry).not.toHaveProperty('payload');
    }
    const validated = await send(api, USERS.tilleuls, id, { type: 'VALIDATE_RAPPORT' });
    expect(validated.rapport).toEqual({
      submittedDocumentId: second,
      submittedDocumentIds: [first, second],
      validatedDocumentId: second,
      submissions: 2,
      revisions: 1,
    });

    // The validated rapport reaches the funders, byte for byte; the superseded version never does.
    const link = await api.call('GET', `/cases/${id}/documents/${second}`, { as: USERS.etat });
    expect(link.status).toBe(200);
    const file = await fetch(link.json.downloadUrl);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(SAMPLE.pdf)).toBe(true);
    expect(file.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''Rapport%20diagnostic%20flash.pdf",
    );
    expect((await api.call('GET', `/cases/${id}/documents/${first}`, { as: USERS.etat })).status).toBe(403);
    expect((await api.call('GET', `/cases/${id}/documents/${first}`, { as: USERS.tilleuls })).status).toBe(
      200,
    );
    const log = await api.call('GET', `/cases/${id}/access-log`, { as: USERS.tilleuls });
    expect(log.json.nextCursor).toBeNull(); // one page: the whole log
    expect(
      log.json.items.map((e: { user: { email: string }; rapportVersion: number }) => [
        e.user.email,
        e.rapportVersion,
      ]),
    ).toEqual([
      [USERS.singuliers, 1],
      [USERS.etat, 2],
      [USERS.tilleuls, 1],
    ]);

    // 5. Restitution, rencontre with the partenaires, closure.
    const restitution = await send(api, USERS.singuliers, id, {
      type: 'RECORD_RESTITUTION',
      date: '2026-12-01',
      rencontrePartenaires: true,
      compteRendu: 'Restitution au conseil d’administration.',
    });
    expect(restitution.status).toBe('rencontre_partenaires');
    const closed = await send(api, USERS.coordination, id, { type: 'RECORD_RENCONTRE', date: '2026-12-15' });
    expect(closed).toMatchObject({ status: 'cloturee', version: 14, allowedEvents: [] });

    // The history: every change, numbered, chained, and redacted for the centre.
    const raw = await repository.history('caf13', id);
    expect(raw.map((e) => e.type)).toEqual([
      'CASE_CREATED',
      'UPDATE_FICHE',
      'SUBMIT_FICHE',
      'OPEN_SAISINE',
      'GIVE_AVIS',
      'GIVE_AVIS',
      'GIVE_AVIS',
      'ACCEPT',
      'SUBMIT_RAPPORT',
      'REQUEST_REVISION',
      'SUBMIT_RAPPORT',
      'VALIDATE_RAPPORT',
      'RECORD_RESTITUTION',
      'RECORD_RENCONTRE',
    ]);
    expect(raw.map((e) => e.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1)); // one event per version
    expect(verifyChain(raw, (await repository.get('caf13', id))?.headHash)).toEqual({ valid: true });

    const forCentre = await api.call('GET', `/cases/${id}/history`, { as: USERS.tilleuls });
    const avisForCentre = forCentre.json.items.filter((e: { type: string }) => e.type === 'GIVE_AVIS');
    expect(avisForCentre).toHaveLength(3);
    for (const entry of avisForCentre) {
      expect(entry).toEqual({
        seq: expect.any(Number),
        type: 'GIVE_AVIS',
        at: expect.any(String),
        actor: { role: 'partenaire' },
        redacted: true,
        prevHash: expect.any(String),
        hash: expect.any(String),
      });
    }
    const forEtat = await api.call('GET', `/cases/${id}/history`, { as: USERS.etat });
    expect((await getCase(USERS.etat, id)).case?.rapport).toEqual({ validatedDocumentId: second });
    const coordinationLog = await api.call('GET', `/cases/${id}/access-log`, { as: USERS.coordination });
    expect(coordinationLog.json.items.map((e: { documentId: string }) => e.documentId)).toEqual([second]);
    expect(
      forEtat.json.items
        .filter((e: { type: string }) => e.type === 'GIVE_AVIS')
        .map((e: { actor: { organisationId: string } }) => e.actor.organisationId),
    ).toEqual(['caf13', 'caf13', 'commune-marseille']);

    // Every change left its notifications in the outbox, in the same transactions.
    const outbox = await clients.db.send(
      new QueryCommand({
        TableName: LOCAL_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
        ExpressionAttributeValues: { ':pk': `T#caf13#CASE#${id}`, ':o': 'OUTBOX#' },
      }),
    );
    expect(outbox.Items?.map((i) => i.notification.template)).toContain('VALIDATE_RAPPORT');
    expect(outbox.Items?.find((i) => i.notification.template === 'SUBMIT_FICHE')?.notification.to).toEqual([
      'coordination',
      'gestionnaire',
    ]);

    // And the dispatcher sent them: 32 mails to the seeded users (other test files may invite
    // users into the same organisations meanwhile), none of them carrying what users typed.
    const seeded = new Set<string>(Object.values(USERS));
    let mails: StoredMail[] = [];
    const deadline = Date.now() + 10_000;
    do {
      mails = await storedMailsOf(inject('endpoints').ses, id);
      if (mails.filter((m) => seeded.has(m.destination.to[0] ?? '')).length >= 32) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(mails.filter((m) => seeded.has(m.destination.to[0] ?? ''))).toHaveLength(32);
    const typed = [
      COMPLETE_FICHE.signesAlerte,
      COMPLETE_FICHE.attentes,
      COMPLETE_FICHE.demandeur?.nom,
      COMPLETE_FICHE.demandeur?.email,
      'Priorité du territoire.',
      'Doublon.',
      'Compléter la partie RH.',
      'Restitution au conseil d’administration.',
      'Rapport diagnostic flash.pdf',
      'defavorable',
    ] as string[];
    for (const mail of mails) {
      const all = `${mail.subject}\n${mail.body.text}\n${mail.body.html}`;
      for (const text of typed) expect(all, mail.subject).not.toContain(text);
      expect(all).not.toMatch(/X-Amz-|\/centres\//);
    }
  });

  it('lets the fed-ifac federation act for cs-mistral, and keeps it away from cs-tilleuls', async () => {
    const created = await api.call('POST', '/cases', {
      as: USERS.ifac,
      body: { centreId: 'cs-mistral', fiche: COMPLETE_FICHE },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    await send(api, USERS.ifac, id, { type: 'SUBMIT_FICHE' });
    const saisine = await send(api, USERS.coordination, id, { type: 'OPEN_SAISINE' });
    expect(saisine.consultedPartenaireIds).toContain('commune-vitrolles');
    expect(saisine.consultedPartenaireIds).not.toContain('commune-marseille');
    await send(api, USERS.vitrolles, id, { type: 'GIVE_AVIS', avis: 'favorable' });
    expect((await getCase(USERS.marseille, id)).status).toBe(404);
    expect((await getCase(USERS.tilleuls, id)).status).toBe(404);
    await send(api, USERS.coordination, id, { type: 'ACCEPT', prestataireId: 'cabinet-b' });
    await send(api, USERS.cabinetB, id, {
      type: 'SUBMIT_RAPPORT',
      documentId: await rapportDocument(api, id, USERS.cabinetB),
    });
    await send(api, USERS.ifac, id, { type: 'VALIDATE_RAPPORT' });
    const closed = await send(api, USERS.cabinetB, id, {
      type: 'RECORD_RESTITUTION',
      date: '2026-11-30',
      rencontrePartenaires: false,
    });
    expect(closed.status).toBe('cloturee');

    const listed = await api.call('GET', '/cases?status=cloturee&limit=100', { as: USERS.ifac });
    expect(listed.json.items.map((c: { id: string }) => c.id)).toContain(id);
    const forTilleuls = await api.call('GET', '/cases?limit=100', { as: USERS.tilleuls });
    expect(forTilleuls.json.items.map((c: { id: string }) => c.id)).not.toContain(id);
  });
});
