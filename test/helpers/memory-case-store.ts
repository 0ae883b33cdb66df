import { seedReferentiel } from '../../infra/local/seed-data.ts';
import { createCaseTurns } from '../../shared/cases/case-turns.ts';
import type {
  AccessLogPage,
  AccessLogPosition,
  CaseChange,
  CaseStore,
  Clock,
  CommitResult,
  ConfirmResult,
  DocumentDeps,
  DocumentRecords,
  DocumentStore,
  IdempotencyRecord,
  IdempotencyStore,
  ListPage,
} from '../../shared/cases/ports.ts';
import type { CaseRecord, HistoryEvent } from '../../shared/domain/case.ts';
import { DEFAULT_DELAIS } from '../../shared/domain/delais.ts';
import type { AccessLogEntry, DocumentRecord } from '../../shared/domain/document.ts';
import { listingEntryChanges } from '../../shared/store/listing-entries.ts';

/** A listing entry: a viewer's pointer to a case, with the case's status (as the table's VIEW# item). */
interface ViewEntry {
  caseId: string;
  status: string;
  createdAt: string;
  /** The due date of the step the case waits on, when it waits on one (gsi3 in the table). */
  dueAt?: string;
}

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The ports the DynamoDB repository serves, in memory and with the same conditions:
 * - a change commits only over the version it was computed from, a new case only under an id not
 *   taken (else `version-conflict`); an Idempotency-Key only once until its record expires by the
 *   clock (else `idempotency-conflict`, which wins, as the table's cancellation reasons tell it);
 *   either way nothing is written;
 * - listing entries kept by `listingEntryChanges`, as `commit` keeps them;
 * - documents under their status conditions, upload slots with their expiry, confirm claims.
 * `beforeCommit` runs inside the next commit before its conditions are checked: a concurrent
 * request that gets there first. `calls` counts what was asked of it.
 */
export function memoryCaseStore(now: Clock) {
  const cases = new Map<string, CaseRecord>();
  const histories = new Map<string, HistoryEvent[]>();
  const outbox = new Map<string, CaseChange['notifications']>();
  const views = new Map<string, Map<string, ViewEntry>>();
  const idempotency = new Map<string, IdempotencyRecord>();
  const documents = new Map<string, DocumentRecord>();
  const slots = new Map<string, { documentId: string; expiresAt: number }>();
  const accessLog = new Map<string, { entry: AccessLogEntry; position: AccessLogPosition }[]>();
  const calls = { get: 0, getWith: 0, getDocument: 0, commit: 0, committed: 0, idempotentAnswer: 0 };
  let ids = 0;

  const caseKey = (tenant: string, caseId: string) => `${tenant}#${caseId}`;
  const documentKey = (tenant: string, caseId: string, id: string) => `${tenant}#${caseId}#${id}`;
  const idempotencyKey = (tenant: string, sub: string, key: string) => `${tenant}#${sub}#${key}`;
  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const viewerEntries = (tenant: string, viewer: string) => {
    const key = `${tenant}#${viewer}`;
    if (!views.has(key)) views.set(key, new Map());
    return views.get(key) as Map<string, ViewEntry>;
  };

  const caseStore: CaseStore = {
    async get(tenant, caseId) {
      calls.get++;
      const record = cases.get(caseKey(tenant, caseId));
      return record && copy(record);
    },

    async getWith(tenant, caseId, { documentId, idempotency: claim }) {
      calls.getWith++;
      const record = cases.get(caseKey(tenant, caseId));
      const document = documentId && documents.get(documentKey(tenant, caseId, documentId));
      const held = claim && idempotency.get(idempotencyKey(tenant, claim.sub, claim.key));
      return {
        ...(record && { record: copy(record) }),
        ...(document && { document: copy(document) }),
        ...(held && held.expiresAt * 1000 >= now().getTime() && { idempotent: copy(held.answer) }),
      };
    },

    async history(tenant, caseId) {
      return copy(histories.get(caseKey(tenant, caseId)) ?? []);
    },

    async listByViewer(tenant, viewer, { status, limit, after }): Promise<ListPage> {
      const newestFirst = [...viewerEntries(tenant, viewer).values()]
        .filter((entry) => status === undefined || entry.status === status)
        .sort((a, b) => `${b.createdAt}#${b.caseId}`.localeCompare(`${a.createdAt}#${a.caseId}`));
      const start = after
        ? newestFirst.findIndex((e) => `${e.createdAt}#${e.caseId}` < `${after.createdAt}#${after.caseId}`)
        : 0;
      const page = start < 0 ? [] : newestFirst.slice(start, start + limit);
      const last = page.at(-1);
      return {
        records: page.flatMap((e) => {
          const record = cases.get(caseKey(tenant, e.caseId));
          return record ? [copy(record)] : [];
        }),
        // As DynamoDB does: a LastEvaluatedKey whenever the Limit was reached.
        ...(last && page.length === limit && { next: { createdAt: last.createdAt, caseId: last.caseId } }),
      };
    },

    async overdueEntries(tenant, viewer, today) {
      return [...viewerEntries(tenant, viewer).values()]
        .filter((e) => e.dueAt !== undefined && e.dueAt < today)
        .map(({ caseId, createdAt, status }) => ({ caseId, createdAt, status }));
    },

    async getMany(tenant, caseIds) {
      return caseIds.flatMap((id) => {
        const record = cases.get(caseKey(tenant, id));
        return record ? [copy(record)] : [];
      });
    },

    async commit(change): Promise<CommitResult> {
      calls.commit++;
      const hook = store.beforeCommit;
      store.beforeCommit = undefined;
      await hook?.();

      const { record, event, idempotency: answer } = change;
      const key = caseKey(record.tenant, record.id);
      const held = answer && idempotency.get(idempotencyKey(record.tenant, answer.sub, answer.key));
      if (held && held.expiresAt >= nowSeconds()) return { outcome: 'idempotency-conflict' };
      const current = cases.get(key);
      // As the table's version condition does (ALL_OLD), the refusal returns the case as it stands.
      if (change.expectedVersion === undefined ? current : current?.version !== change.expectedVersion) {
        return { outcome: 'version-conflict', ...(current && { current: copy(current) }) };
      }
      const history = histories.get(key) ?? [];
      if (history.some((e) => e.seq === event.seq)) return { outcome: 'version-conflict' };

      cases.set(key, copy(record));
      histories.set(key, [...history, copy(event)]);
      outbox.set(`${key}#${event.seq}`, copy(change.notifications));
      const listing = listingEntryChanges({
        viewersBefore: change.viewersBefore,
        viewersAfter: change.viewersAfter,
        statusBefore: change.previousStatus,
        statusAfter: record.status,
      });
      for (const viewer of listing.remove) viewerEntries(record.tenant, viewer).delete(key);
      for (const viewer of listing.put) {
        viewerEntries(record.tenant, viewer).set(key, {
          caseId: record.id,
          status: record.status,
          createdAt: record.createdAt,
          ...(record.deadline && { dueAt: record.deadline.dueAt }),
        });
      }
      if (answer) idempotency.set(idempotencyKey(record.tenant, answer.sub, answer.key), copy(answer));
      calls.committed++;
      return { outcome: 'committed' };
    },
  };

  const idempotencyStore: IdempotencyStore = {
    async idempotentAnswer(tenant, sub, key) {
      calls.idempotentAnswer++;
      const held = idempotency.get(idempotencyKey(tenant, sub, key));
      if (!held || held.expiresAt * 1000 < now().getTime()) return undefined;
      return copy(held.answer);
    },
  };

  const documentRecords: DocumentRecords = {
    async getDocument(tenant, caseId, documentId) {
      calls.getDocument++;
      const document = documents.get(documentKey(tenant, caseId, documentId));
      return document && copy(document);
    },

    async listDocuments(tenant, caseId) {
      const prefix = documentKey(tenant, caseId, '');
      return [...documents.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, document]) => copy(document));
    },

    async issueUploadTicket(tenant, document, { slots: count, expiresAt }) {
      const at = Math.floor(Date.parse(document.createdAt) / 1000);
      for (let slot = 0; slot < count; slot++) {
        const key = `${caseKey(tenant, document.caseId)}#${slot}`;
        const taken = slots.get(key);
        if (taken && taken.expiresAt > at) continue;
        slots.set(key, { documentId: document.id, expiresAt: Math.floor(expiresAt.getTime() / 1000) });
        const stored = { ...document, uploadSlot: slot };
        documents.set(documentKey(tenant, document.caseId, document.id), copy(stored));
        return stored;
      }
      return undefined;
    },

    async releaseUploadSlot(tenant, document) {
      const key = `${caseKey(tenant, document.caseId)}#${document.uploadSlot}`;
      if (slots.get(key)?.documentId === document.id) slots.delete(key);
    },

    async claimDocument(tenant, document, at, until) {
      const key = documentKey(tenant, document.caseId, document.id);
      const current = documents.get(key);
      const held = current?.confirmingUntil !== undefined && current.confirmingUntil >= at.toISOString();
      if (current?.status !== 'pending' || held) return false;
      documents.set(key, { ...current, confirmingUntil: until.toISOString() });
      return true;
    },

    async releaseDocumentClaim(tenant, document, until) {
      const key = documentKey(tenant, document.caseId, document.id);
      const current = documents.get(key);
      if (current?.status === 'pending' && current.confirmingUntil === until.toISOString()) {
        const { confirmingUntil: _released, ...rest } = current;
        documents.set(key, rest);
      }
    },

    async confirmDocument(tenant, document, caseStatus): Promise<ConfirmResult> {
      const key = documentKey(tenant, document.caseId, document.id);
      if (documents.get(key)?.status !== 'pending') return 'document-moved';
      if (cases.get(caseKey(tenant, document.caseId))?.status !== caseStatus) return 'case-moved';
      documents.set(key, copy(document));
      return 'confirmed';
    },

    async replaceDocument(tenant, document, expected) {
      const key = documentKey(tenant, document.caseId, document.id);
      if (documents.get(key)?.status !== expected) return false;
      documents.set(key, copy(document));
      return true;
    },

    async putAccessLog(tenant, caseId, entry) {
      const key = caseKey(tenant, caseId);
      const log = accessLog.get(key) ?? [];
      log.push({ entry: copy(entry), position: { at: entry.at, id: String(++ids).padStart(8, '0') } });
      log.sort((a, b) =>
        `${a.position.at}#${a.position.id}`.localeCompare(`${b.position.at}#${b.position.id}`),
      );
      accessLog.set(key, log);
    },

    async accessLogPage(tenant, caseId, { after, limit }): Promise<AccessLogPage> {
      const log = accessLog.get(caseKey(tenant, caseId)) ?? [];
      const start = after
        ? log.findIndex((e) => `${e.position.at}#${e.position.id}` > `${after.at}#${after.id}`)
        : 0;
      const entries = start < 0 ? [] : log.slice(start, start + limit);
      // As DynamoDB does: a LastEvaluatedKey whenever the Limit was reached.
      return { entries: copy(entries), more: entries.length === limit };
    },
  };

  const store = {
    ...caseStore,
    ...idempotencyStore,
    ...documentRecords,
    calls,
    /** Runs once, inside the next commit, before its conditions: a concurrent request gets there first. */
    beforeCommit: undefined as (() => void | Promise<void>) | undefined,
    /** Puts a case as it stands (arrange), or as another request left it (a concurrent change). */
    put(record: CaseRecord) {
      cases.set(caseKey(record.tenant, record.id), copy(record));
    },
    /** Puts a document as it stands. */
    putDocument(tenant: string, document: DocumentRecord) {
      documents.set(documentKey(tenant, document.caseId, document.id), copy(document));
    },
    /** The listing entries of a viewer: case id → status. */
    listing(tenant: string, viewer: string) {
      return Object.fromEntries([...viewerEntries(tenant, viewer).values()].map((e) => [e.caseId, e.status]));
    },
    /** The notifications a change left in the outbox. */
    outbox(tenant: string, caseId: string, seq: number) {
      return outbox.get(`${caseKey(tenant, caseId)}#${seq}`) ?? [];
    },
  };
  return store;
}

export type MemoryCaseStore = ReturnType<typeof memoryCaseStore>;

const noObjectStorage = new Proxy({} as DocumentStore, {
  get: (_target, name) => () => {
    throw new Error(`no object storage in this test (${String(name)})`);
  },
});

/**
 * The ports of the case use cases over a memory store: the seeded referentiel, the given clock,
 * numbered ids, and no object storage (`files` throws when used).
 */
export function memoryCaseDeps(store: MemoryCaseStore, now: Clock): DocumentDeps {
  let ids = 0;
  const next = (prefix: string) => `${prefix}-${String(++ids).padStart(26, '0')}`;
  return {
    cases: store,
    documents: store,
    idempotency: store,
    referentiel: async () => seedReferentiel,
    files: noObjectStorage,
    now,
    newCaseId: () => next('c'),
    newDocumentId: () => next('d'),
    delais: DEFAULT_DELAIS,
    cursorSecret: 'unit-test-cursor-secret',
    // A line of writers of each test's own: a test that fails mid-change leaves no other waiting.
    turns: createCaseTurns(),
  };
}
