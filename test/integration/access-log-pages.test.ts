import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, send, USERS } from '../helpers/cases.ts';
import { uploadDocument } from '../helpers/documents.ts';
import { COMPLETE_FICHE, emulatorAccess } from '../helpers/fixtures.ts';
import { pool } from '../helpers/pool.ts';

/**
 * Issue 7, documents: the access log is read a page at a time (DESIGN.md §4: `{items, nextCursor}`),
 * so that no answer grows with the log; oldest first, the cursor bound to its reader and its case.
 */

const api = apiClient();
const { clients } = emulatorAccess();

interface Entry {
  at: string;
  documentId: string;
  user: { email: string };
}
interface Page {
  status: number;
  items: Entry[];
  nextCursor: string | null;
}

async function page(c: CaseFacts, as: string, query = ''): Promise<Page> {
  const res = await api.call('GET', `/cases/${c.id}/access-log${query}`, { as });
  return { status: res.status, items: res.json?.items ?? [], nextCursor: res.json?.nextCursor ?? null };
}

/** Every page, following nextCursor from the first. */
async function allPages(c: CaseFacts, as: string, limit?: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({
      ...(limit && { limit: String(limit) }),
      ...(cursor && { cursor }),
    });
    const next = await page(c, as, `?${params}`);
    expect(next.status).toBe(200);
    pages.push(next);
    cursor = next.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

/** Access log items written straight to the table (many, fast): a download of `documentId` each. */
async function writeEntries(c: CaseFacts, documentId: string, times: string[]) {
  const items = times.map((at) => ({
    PutRequest: {
      Item: {
        pk: `T#caf13#CASE#${c.id}`,
        sk: `ACCESS#${at}#${randomUUID()}`,
        at,
        user: { sub: 's', email: USERS.singuliers, role: 'prestataire', organisationId: 'singuliers-co' },
        documentId,
        kind: 'rapport',
        filename: 'Brouillon.pdf',
        expiresAt: at,
      },
    },
  }));
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) =>
    items.slice(i * 25, i * 25 + 25),
  );
  await pool(
    8,
    batches.map((batch) => async () => {
      await clients.db.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLE]: batch } }));
    }),
  );
}

describe('the access log, a page at a time', () => {
  let c: CaseFacts;
  let pieceJointe: string;
  const DOWNLOADS = 120;

  beforeAll(async () => {
    c = await caseIn(api, 'fiche_transmise');
    pieceJointe = await uploadDocument(api, USERS.tilleuls, c.id, { kind: 'piece_jointe' });
    await pool(
      8,
      Array.from({ length: DOWNLOADS }, (_, i) => async () => {
        const as = i % 2 === 0 ? USERS.tilleuls : USERS.coordination;
        const res = await api.call('GET', `/cases/${c.id}/documents/${pieceJointe}`, { as });
        expect(res.status).toBe(200);
      }),
    );
  }, 60_000);

  it(`answers ${DOWNLOADS} entries in pages of 50 by default, oldest first, each entry once`, async () => {
    const pages = await allPages(c, USERS.tilleuls);
    expect(pages.map((p) => p.items.length)).toEqual([50, 50, 20]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    // Exactly the stored entries, in key order (two downloads may share a millisecond and a user,
    // so entries are compared with the table's, not with each other).
    const { Items = [] } = await clients.db.send(
      new QueryCommand({
        TableName: LOCAL_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `T#caf13#CASE#${c.id}`, ':prefix': 'ACCESS#' },
      }),
    );
    expect(Items).toHaveLength(DOWNLOADS);
    expect(pages.flatMap((p) => p.items)).toEqual(Items.map(({ pk: _pk, sk: _sk, ...entry }) => entry));
    const times = pages.flatMap((p) => p.items.map((e) => e.at));
    expect(times).toEqual([...times].sort());
  });

  it('takes ?limit= from 1 to 100, and the coordination reads the same log through its own cursors', async () => {
    const byCentre = (await allPages(c, USERS.tilleuls, 100)).flatMap((p) => p.items);
    const sevens = await allPages(c, USERS.coordination, 7);
    expect(sevens.slice(0, -1).every((p) => p.items.length === 7)).toBe(true);
    expect(sevens.flatMap((p) => p.items)).toEqual(byCentre);
    for (const limit of ['0', '101', 'abc', '-1', '2.5']) {
      const res = await api.call('GET', `/cases/${c.id}/access-log?limit=${limit}`, { as: USERS.tilleuls });
      expect(res.status, limit).toBe(400);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(['query.limit']);
    }
  });

  it('refuses a cursor changed, of another reader or of another case: 400 naming query.cursor', async () => {
    const cursor = (await page(c, USERS.tilleuls, '?limit=10')).nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const other = await caseIn(api, 'fiche_transmise');
    const flipped = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    for (const [as, caseId, value] of [
      [USERS.tilleuls, c.id, flipped],
      [USERS.tilleuls, c.id, 'bm90LWEtY3Vyc29y'],
      [USERS.coordination, c.id, cursor],
      [USERS.tilleuls, other.id, cursor],
    ] as const) {
      const res = await api.call('GET', `/cases/${caseId}/access-log?cursor=${encodeURIComponent(value)}`, {
        as,
      });
      expect(res.status, `${as} ${value}`).toBe(400);
      expect(res.json.errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    }
  });

  it('fills each page past the entries of documents the reader may not see, and never answers an empty one before the end', async () => {
    // A case in diagnostic_en_cours with a pièce jointe (the centre sees it) and the firm's draft
    // rapport (the centre does not): the firm downloads its draft 1,000 times.
    const created = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
    });
    const d: CaseFacts = { ...c, id: created.json.id as string, status: 'brouillon' };
    const shown = await uploadDocument(api, USERS.tilleuls, d.id, { kind: 'piece_jointe' });
    await send(api, USERS.tilleuls, d.id, { type: 'SUBMIT_FICHE' });
    await send(api, USERS.coordination, d.id, { type: 'OPEN_SAISINE' });
    await send(api, USERS.caf, d.id, { type: 'GIVE_AVIS', avis: 'favorable' });
    await send(api, USERS.coordination, d.id, { type: 'ACCEPT', prestataireId: 'singuliers-co' });
    const draft = await uploadDocument(api, USERS.singuliers, d.id, { kind: 'rapport' });

    const base = Date.parse('2026-11-01T08:00:00.000Z');
    const at = (i: number) => new Date(base + i * 1000).toISOString();
    const visibleAt = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 111 === 50);
    await writeEntries(
      d,
      draft,
      Array.from({ length: 1000 }, (_, i) => i)
        .filter((i) => !visibleAt.includes(i))
        .map(at),
    );
    await writeEntries(d, shown, visibleAt.map(at));

    const pages = await allPages(d, USERS.tilleuls, 5);
    expect(pages.map((p) => p.items.length)).toEqual([5, 4]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap((p) => p.items.map((e) => [e.at, e.documentId]))).toEqual(
      visibleAt.map((i) => [at(i), shown]),
    );
    // The firm's downloads are there, for a reader who may see the draft… which no reader of the log is.
    const coordination = (await allPages(d, USERS.coordination, 100)).flatMap((p) => p.items);
    expect(coordination.map((e) => e.documentId)).toEqual(visibleAt.map(() => shown));
  });
});
