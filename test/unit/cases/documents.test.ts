import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_MAX_READS,
  accessLog,
  confirmUpload,
  downloadDocument,
  requestUpload,
} from '../../../shared/cases/documents.ts';
import type {
  AccessLogPage,
  AccessLogPosition,
  ConfirmResult,
  DocumentDeps,
  DocumentStore,
} from '../../../shared/cases/ports.ts';
import { visibleCase } from '../../../shared/cases/visible-case.ts';
import type { Caller } from '../../../shared/domain/caller.ts';
import type { CaseRecord, CaseStatus } from '../../../shared/domain/case.ts';
import type { AccessLogEntry, DocumentRecord } from '../../../shared/domain/document.ts';
import { InvalidInputError, NotPossibleNowError } from '../../../shared/domain/errors.ts';
import { actors, caller, caseIn, recordOf } from '../../helpers/case-fixtures.ts';

const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
const gestionnaire = caller(actors.gestionnaire);
const coordinateur = caller(actors.coordinateur);

/**
 * One case in memory, with the ports the document use cases take: a repository that keeps the
 * conditions of the real one (document status, case status), and a bucket of objects.
 */
function world(status: CaseStatus) {
  const state = {
    record: recordOf(caseIn(status)),
    documents: new Map<string, DocumentRecord>(),
    objects: new Map<string, { bytes: Buffer; contentType: string }>(),
    log: [] as { entry: AccessLogEntry; position: AccessLogPosition }[],
    logQueries: 0,
    /** Runs inside confirmDocument before its conditions are evaluated: a concurrent change. */
    beforeConfirmWrite: undefined as (() => void) | undefined,
    /** Runs right after a copy: a re-POST of the upload form racing the confirm. */
    afterCopy: undefined as (() => void) | undefined,
  };
  let ids = 0;
  const cases = {
    get: async () => state.record,
    getDocument: async (_tenant: string, _caseId: string, id: string) => state.documents.get(id),
    listDocuments: async () => [...state.documents.values()],
    issueUploadTicket: async (_tenant: string, document: DocumentRecord) => {
      state.documents.set(document.id, document);
      return document;
    },
    releaseUploadSlot: async () => {},
    claimDocument: async (_tenant: string, document: DocumentRecord, now: Date, until: Date) => {
      const current = state.documents.get(document.id);
      const held = current?.confirmingUntil !== undefined && current.confirmingUntil >= now.toISOString();
      if (current?.status !== 'pending' || held) return false;
      state.documents.set(document.id, { ...current, confirmingUntil: until.toISOString() });
      return true;
    },
    releaseDocumentClaim: async (_tenant: string, document: DocumentRecord, until: Date) => {
      const current = state.documents.get(document.id);
      if (current?.status === 'pending' && current.confirmingUntil === until.toISOString()) {
        state.documents.set(document.id, { ...current, confirmingUntil: undefined });
      }
    },
    replaceDocument: async (_tenant: string, document: DocumentRecord, expected: string) => {
      if (state.documents.get(document.id)?.status !== expected) return false;
      state.documents.set(document.id, document);
      return true;
    },
    confirmDocument: async (
      _tenant: string,
      document: DocumentRecord,
      caseStatus: string,
    ): Promise<ConfirmResult> => {
      state.beforeConfirmWrite?.();
      state.beforeConfirmWrite = undefined;
      if (state.documents.get(document.id)?.status !== 'pending') return 'document-moved';
      if (state.record.status !== caseStatus) return 'case-moved';
      state.documents.set(document.id, document);
      return 'confirmed';
    },
    accessLogPage: async (
      _tenant: string,
      _caseId: string,
      { after, limit }: { after?: AccessLogPosition; limit: number },
    ): Promise<AccessLogPage> => {
      state.logQueries++;
      const start = after ? state.log.findIndex((e) => e.position.id === after.id) + 1 : 0;
      const entries = state.log.slice(start, start + limit);
      // As DynamoDB does: a LastEvaluatedKey whenever the Limit was reached.
      return { entries, more: entries.length === limit };
    },
  };
  const files: DocumentStore = {
    presignUpload: async ({ key }) => ({ url: 'https://s3.example/bucket', fields: { key } }),
    copy: async (from, to) => {
      const object = state.objects.get(from);
      if (!object) return undefined;
      state.objects.set(to, { ...object });
      state.afterCopy?.();
      return {};
    },
    head: async (key) => {
      const object = state.objects.get(key);
      return object && { size: object.bytes.length, contentType: object.contentType };
    },
    read: async (key) => Readable.from([state.objects.get(key)?.bytes ?? Buffer.alloc(0)]),
    remove: async (key) => {
      state.objects.delete(key);
    },
    presignDownload: async () => 'https://s3.example/signed',
  };
  const deps = {
    cases,
    documents: cases,
    files,
    now: () => new Date('2026-03-02T10:00:00.000Z'),
    newDocumentId: () => `d-${String(++ids).padStart(26, '0')}`,
    cursorSecret: 'test-cursor-secret-0123456789',
  } as unknown as DocumentDeps;

  /** A ticket, and the file POSTed to the staging key the ticket names. */
  async function staged(as: Caller, kind: DocumentRecord['kind'] = 'piece_jointe', bytes = PDF) {
    const ticket = await requestUpload(deps, as, await visibleCase(deps, as, state.record.id), {
      kind,
      filename: 'bilan.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    });
    state.objects.set(ticket.upload.fields.key as string, { bytes, contentType: 'application/pdf' });
    return { id: ticket.document.id, staging: ticket.upload.fields.key as string };
  }
  /** The case as another change left it. */
  const moveTo = (next: CaseStatus) => {
    state.record = { ...state.record, ...recordOf(caseIn(next)), version: state.record.version + 1 };
  };
  return { state, deps, staged, moveTo };
}

const finalKey = (record: CaseRecord, id: string) =>
  `centres/${record.centreId}/cases/${record.id}/documents/${id}`;

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('confirm re-checks the upload window', () => {
  it('refuses a pièce jointe ticketed in fiche_transmise and confirmed after OPEN_SAISINE: 409, objects deleted, rejected', async () => {
    const { state, deps, staged, moveTo } = world('fiche_transmise');
    const { id, staging } = await staged(gestionnaire);
    moveTo('saisine_concertee');

    const error = await refusal(confirmUpload(deps, gestionnaire, state.record.id, id));

    expect(error).toBeInstanceOf(NotPossibleNowError);
    expect((error as Error).message).toContain('saisine_concertee');
    expect(state.documents.get(id)).toMatchObject({
      status: 'rejected',
      rejection: expect.stringContaining('saisine_concertee'),
    });
    expect(state.objects.has(staging)).toBe(false);
    expect(state.objects.has(finalKey(state.record, id))).toBe(false);
  });

  it.each(['abandonnee', 'cloturee'] as const)(
    'refuses a document confirmed into a case now %s',
    async (status) => {
      const { state, deps, staged, moveTo } = world('brouillon');
      const { id } = await staged(gestionnaire);
      moveTo(status);
      expect(await refusal(confirmUpload(deps, gestionnaire, state.record.id, id))).toBeInstanceOf(
        NotPossibleNowError,
      );
      expect(state.documents.get(id)?.status).toBe('rejected');
      expect(state.objects.size).toBe(0);
    },
  );

  it('refuses, race-free, a case whose status changes between the check and the write: 409, objects deleted', async () => {
    const { state, deps, staged, moveTo } = world('fiche_transmise');
    const { id, staging } = await staged(gestionnaire);
    state.beforeConfirmWrite = () => moveTo('saisine_concertee');

    expect(await refusal(confirmUpload(deps, gestionnaire, state.record.id, id))).toBeInstanceOf(
      NotPossibleNowError,
    );
    expect(state.documents.get(id)?.status).toBe('rejected');
    expect(state.objects.has(staging)).toBe(false);
    expect(state.objects.has(finalKey(state.record, id))).toBe(false);
  });

  it('confirms when the status changed under it but still allows the upload (brouillon → fiche_transmise)', async () => {
    const { state, deps, staged, moveTo } = world('brouillon');
    const { id, staging } = await staged(gestionnaire);
    state.beforeConfirmWrite = () => moveTo('fiche_transmise');

    const document = await confirmUpload(deps, gestionnaire, state.record.id, id);

    expect(document.status).toBe('available');
    expect(state.documents.get(id)?.status).toBe('available');
    expect(state.objects.has(finalKey(state.record, id))).toBe(true);
    expect(state.objects.has(staging)).toBe(false);
  });

  it('checks its own copy: a file POSTed again to the staging key during confirm changes nothing confirmed', async () => {
    const { state, deps, staged } = world('fiche_transmise');
    const { id, staging } = await staged(gestionnaire);
    const swapped = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(PDF.length - 2, 0x90)]);
    state.afterCopy = () => state.objects.set(staging, { bytes: swapped, contentType: 'application/pdf' });

    const document = await confirmUpload(deps, gestionnaire, state.record.id, id);

    expect(document.status).toBe('available');
    expect(state.objects.get(finalKey(state.record, id))?.bytes.equals(PDF)).toBe(true);
    expect(document.sha256).toBe(
      (await import('node:crypto')).createHash('sha256').update(PDF).digest('hex'),
    );
  });
});

describe('confirms of one document never run at once', () => {
  it('a second confirm while the first copies and checks gets a 409, copies nothing; after it, the first one’s answer', async () => {
    const { state, deps, staged } = world('brouillon');
    const { id, staging } = await staged(gestionnaire);
    const swapped = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(PDF.length - 2, 0x90)]);
    let meanwhile: unknown;
    let copies = 0;
    state.afterCopy = () => {
      copies++;
      state.afterCopy = undefined;
      // Another tab re-POSTs other bytes with the form, then confirms, while the first confirm runs.
      state.objects.set(staging, { bytes: swapped, contentType: 'application/pdf' });
      meanwhile = refusal(confirmUpload(deps, gestionnaire, state.record.id, id));
    };

    const first = await confirmUpload(deps, gestionnaire, state.record.id, id);
    const second = (await meanwhile) as NotPossibleNowError;

    expect(second).toBeInstanceOf(NotPossibleNowError);
    expect(second.message).toContain('being confirmed');
    expect(copies).toBe(1);
    expect(first.status).toBe('available');
    expect(state.objects.get(finalKey(state.record, id))?.bytes.equals(PDF)).toBe(true);
    await expect(confirmUpload(deps, gestionnaire, state.record.id, id)).resolves.toEqual(first);
  });

  it('a confirm that crashed holding its claim frees the document once the claim expires', async () => {
    const { state, deps, staged } = world('brouillon');
    const { id } = await staged(gestionnaire);
    const held = state.documents.get(id) as DocumentRecord;
    state.documents.set(id, { ...held, confirmingUntil: '2026-03-02T09:59:59.000Z' });
    await expect(confirmUpload(deps, gestionnaire, state.record.id, id)).resolves.toMatchObject({
      status: 'available',
    });
  });
});

describe('the access log, a page at a time', () => {
  /** An access log of `hidden` entries of a draft rapport the centre may not see, then `shown` of a pièce jointe. */
  async function logOf(layout: ('shown' | 'hidden')[]) {
    const w = world('diagnostic_en_cours');
    const document = (id: string, kind: DocumentRecord['kind'], by: Caller): DocumentRecord => ({
      id,
      caseId: w.state.record.id,
      kind,
      status: 'available',
      filename: 'bilan.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      key: finalKey(w.state.record, id),
      uploaderOrganisationId: by.organisationId,
      uploadedBy: by.sub,
      createdAt: '2026-03-02T09:00:00.000Z',
    });
    const shown = document('d-shown', 'piece_jointe', gestionnaire);
    const draft = document('d-draft', 'rapport', caller(actors.singuliers));
    w.state.documents.set(shown.id, shown).set(draft.id, draft);
    w.state.log = layout.map((which, i) => {
      const at = new Date(Date.UTC(2026, 2, 2, 10, 0, 0, i)).toISOString();
      const documentId = which === 'shown' ? shown.id : draft.id;
      const entry = {
        at,
        user: { sub: 's', email: 'e@example.org', role: 'prestataire', organisationId: 'singuliers-co' },
        documentId,
        kind: which === 'shown' ? 'piece_jointe' : 'rapport',
        filename: 'bilan.pdf',
        expiresAt: at,
      } satisfies AccessLogEntry;
      return { entry, position: { at, id: `id-${i}` } };
    });
    return w;
  }

  /** Follows nextCursor to the end; each answer with the number of queries it took. */
  async function readAll(w: Awaited<ReturnType<typeof logOf>>, limit: number, as = gestionnaire) {
    const pages: { items: AccessLogEntry[]; nextCursor: string | null; queries: number }[] = [];
    let cursor: string | undefined;
    do {
      const before = w.state.logQueries;
      const page = await accessLog(w.deps, as, w.state.record.id, { limit, ...(cursor && { cursor }) });
      pages.push({ ...page, queries: w.state.logQueries - before });
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 1000);
    return pages;
  }

  it('pages through 120 entries oldest first: 50, 50, 20, each once, the last without a cursor', async () => {
    const w = await logOf(Array(120).fill('shown'));
    const pages = await readAll(w, 50);
    expect(pages.map((p) => p.items.length)).toEqual([50, 50, 20]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    expect(pages.flatMap((p) => p.items.map((e) => e.at))).toEqual(w.state.log.map((e) => e.entry.at));
  });

  it('ends with a cursor-less full page when the log holds exactly one page', async () => {
    const w = await logOf(Array(50).fill('shown'));
    const pages = await readAll(w, 50);
    expect(pages.map((p) => [p.items.length, p.nextCursor])).toEqual([[50, null]]);
  });

  it('never answers an empty or short page while a visible entry lies within its reading bound', async () => {
    // Visible entries scattered among a prestataire's many downloads of its draft.
    const layout = Array.from({ length: 900 }, (_, i): 'shown' | 'hidden' =>
      i % 97 === 0 ? 'shown' : 'hidden',
    );
    const w = await logOf([...layout, 'hidden', 'hidden']);
    const pages = await readAll(w, 5);
    expect(pages.flatMap((p) => p.items.map((e) => e.at))).toEqual(
      w.state.log.filter((e) => e.entry.kind === 'piece_jointe').map((e) => e.entry.at),
    );
    for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(5);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('bounds the work of one request however little the reader may see, and goes on with a cursor', async () => {
    const w = await logOf([...Array(5000).fill('hidden'), 'shown', ...Array(10).fill('hidden')]);
    const pages = await readAll(w, 50);
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(ACCESS_LOG_MAX_READS);
    expect(pages.length).toBeGreaterThan(1);
    // A short page carries a cursor only when it stopped at the bound.
    for (const page of pages.filter((p) => p.nextCursor && p.items.length < 50)) {
      expect(page.queries).toBe(ACCESS_LOG_MAX_READS);
    }
    expect(pages.flatMap((p) => p.items.map((e) => e.documentId))).toHaveLength(1);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('refuses a cursor changed, of another case, or of another reader: 400 naming query.cursor', async () => {
    const w = await logOf(Array(10).fill('shown'));
    const { nextCursor } = await accessLog(w.deps, gestionnaire, w.state.record.id, { limit: 2 });
    const cursor = nextCursor as string;
    const flipped = `${cursor.slice(0, 4)}${cursor[4] === 'A' ? 'B' : 'A'}${cursor.slice(5)}`;
    const attempts = [
      () => accessLog(w.deps, gestionnaire, w.state.record.id, { limit: 2, cursor: flipped }),
      () => accessLog(w.deps, coordinateur, w.state.record.id, { limit: 2, cursor }),
      () => {
        w.state.record = { ...w.state.record, id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0v' };
        return accessLog(w.deps, gestionnaire, w.state.record.id, { limit: 2, cursor });
      },
    ];
    for (const attempt of attempts) {
      const error = await refusal(attempt());
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).errors).toEqual([
        { path: 'query.cursor', message: expect.any(String) },
      ]);
    }
  });
});

describe('a confirmed document keeps the object version that was checked', () => {
  it('reads the version its own copy made, and signs downloads for that version only', async () => {
    const record = recordOf(caseIn('diagnostic_en_cours'));
    const consultant = caller(actors.singuliers);
    let stored: DocumentRecord = {
      id: 'd-01m8428hzkj8dgt2y2aj56ddcm',
      caseId: record.id,
      kind: 'rapport',
      status: 'pending',
      filename: 'Rapport.pdf',
      contentType: 'application/pdf',
      size: 9,
      key: `centres/cs-tilleuls/cases/${record.id}/documents/d-01m8428hzkj8dgt2y2aj56ddcm`,
      uploaderOrganisationId: 'singuliers-co',
      uploadedBy: consultant.sub,
      createdAt: '2026-03-02T09:00:00.000Z',
    };
    const reads: (string | undefined)[] = [];
    const signed: (string | undefined)[] = [];
    const files: DocumentStore = {
      presignUpload: async () => ({ url: '', fields: {} }),
      copy: async () => ({ versionId: 'v-checked' }),
      head: async (_key, versionId) => ({ size: 9, contentType: 'application/pdf', versionId }),
      read: async (_key, versionId) => {
        reads.push(versionId);
        return Readable.from([Buffer.from('%PDF-1.7\n')]);
      },
      remove: async () => {},
      presignDownload: async ({ versionId }) => {
        signed.push(versionId);
        return 'https://s3.example/signed';
      },
    };
    const deps = {
      cases: { get: async () => record },
      documents: {
        getDocument: async () => stored,
        claimDocument: async () => true,
        confirmDocument: async (_tenant: string, document: DocumentRecord) => {
          stored = document;
          return 'confirmed';
        },
        releaseUploadSlot: async () => {},
        putAccessLog: async () => {},
      },
      files,
      now: () => new Date('2026-03-02T10:00:00.000Z'),
    } as unknown as DocumentDeps;

    const confirmed = await confirmUpload(deps, consultant, record.id, stored.id);
    await downloadDocument(deps, consultant, record.id, stored.id);

    expect(confirmed.status).toBe('available');
    expect(confirmed).not.toHaveProperty('versionId');
    expect(stored.versionId).toBe('v-checked');
    expect(reads).toEqual(['v-checked']);
    expect(signed).toEqual(['v-checked']);
  });
});
