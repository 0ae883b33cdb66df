import type { Readable } from 'node:stream';
import type { Notification } from '../../workflows/case.machine.ts';
import type { CaseRecord, HistoryEvent } from '../domain/case.ts';
import type { Delais } from '../domain/delais.ts';
import type { AccessLogEntry, DocumentRecord } from '../domain/document.ts';
import type { Referentiel } from '../domain/referentiel.ts';
import type { CaseTurns } from './case-turns.ts';
import type { Contention } from './contention.ts';

/**
 * What the case use cases need from the outside, as they need it: adapters in production
 * (shared/store/case-repository.ts, shared/documents/s3-document-store.ts), fakes in tests.
 */

/** A stored answer to a request sent with an Idempotency-Key. */
export interface IdempotentAnswer {
  requestHash: string;
  body: unknown;
}

/** The answer of a change, kept under its caller's Idempotency-Key until `expiresAt` (seconds). */
export interface IdempotencyRecord {
  sub: string;
  key: string;
  answer: IdempotentAnswer;
  expiresAt: number;
}

/** One change of a case, committed whole or not at all. */
export interface CaseChange {
  record: CaseRecord;
  /** The version and status the change was computed from; both undefined when the case is new. */
  expectedVersion?: number;
  previousStatus?: string;
  event: HistoryEvent;
  notifications: Notification[];
  /** Who lists the case before and after the change (listing entries to write and delete). */
  viewersBefore: string[];
  viewersAfter: string[];
  idempotency?: IdempotencyRecord;
}

/**
 * - `committed`: everything written;
 * - `version-conflict`: the case is no longer at `expectedVersion` (or already exists, for a new
 *   one): a lost race, nothing written. `current` is the case as the refusal found it, when the
 *   store returned it with the refusal: the retry needs no read of its own;
 * - `idempotency-conflict`: an unexpired record already holds the Idempotency-Key: nothing written.
 */
export type CommitResult =
  | { outcome: 'committed' }
  | { outcome: 'version-conflict'; current?: CaseRecord }
  | { outcome: 'idempotency-conflict' };

/** What a change reads with its case, in the same round trip. */
export interface CaseReadExtras {
  /** The document an event references (SUBMIT_RAPPORT's rapport). */
  documentId?: string;
  /** The answer stored under the caller's Idempotency-Key. */
  idempotency?: { sub: string; key: string };
}

/** The case and the extras asked with it, each undefined when absent (or expired, for an answer). */
export interface CaseWithExtras {
  record?: CaseRecord;
  document?: DocumentRecord;
  idempotent?: IdempotentAnswer;
}

/** A viewer's pointer to a case, as its listing keeps it. */
export interface ListingEntry {
  caseId: string;
  createdAt: string;
  status: string;
}

export interface ListPage {
  records: CaseRecord[];
  /** Where the next page starts, when there is one. */
  next?: { createdAt: string; caseId: string };
}

/** Where cases, their history and their listing entries are kept. */
export interface CaseStore {
  get(tenant: string, caseId: string): Promise<CaseRecord | undefined>;
  /** The case and the items a change needs with it, in one round trip (one GetItem without extras). */
  getWith(tenant: string, caseId: string, extras: CaseReadExtras): Promise<CaseWithExtras>;
  /** The history, oldest first. */
  history(tenant: string, caseId: string): Promise<HistoryEvent[]>;
  /** A page of the cases listed under a viewer key, newest first, optionally of one status. */
  listByViewer(
    tenant: string,
    viewer: string,
    options: { status?: string; limit: number; after?: { createdAt: string; caseId: string } },
  ): Promise<ListPage>;
  /** A viewer's listing entries whose step was due before `today` (YYYY-MM-DD): the overdue cases. */
  overdueEntries(tenant: string, viewer: string, today: string): Promise<ListingEntry[]>;
  /** Cases by id, in the order asked, skipping any that vanished. */
  getMany(tenant: string, caseIds: string[]): Promise<CaseRecord[]>;
  /** The case, its history event, outbox, listing entries and idempotency record, in one transaction. */
  commit(change: CaseChange): Promise<CommitResult>;
}

/** Where the answers to requests sent with an Idempotency-Key are kept. */
export interface IdempotencyStore {
  /** The answer kept under this key, unless it has expired. */
  idempotentAnswer(tenant: string, sub: string, key: string): Promise<IdempotentAnswer | undefined>;
}

/** How a confirm's write went: committed, or refused because the case or the document moved on. */
export type ConfirmResult = 'confirmed' | 'case-moved' | 'document-moved';

/** A position in a case's access log: the entry's time and the id that makes its key unique. */
export interface AccessLogPosition {
  at: string;
  id: string;
}

export interface AccessLogPage {
  entries: { entry: AccessLogEntry; position: AccessLogPosition }[];
  /** Whether the store stopped before the end of the log. */
  more: boolean;
}

/** A document's record, as a change that references it reads it (SUBMIT_RAPPORT's rapport). */
export interface DocumentReader {
  getDocument(tenant: string, caseId: string, documentId: string): Promise<DocumentRecord | undefined>;
}

/** The records of a case's documents, their upload slots, and the access log of their downloads. */
export interface DocumentRecords extends DocumentReader {
  listDocuments(tenant: string, caseId: string): Promise<DocumentRecord[]>;
  /** Records a pending document in a free upload slot of its case; undefined when none is left. */
  issueUploadTicket(
    tenant: string,
    document: DocumentRecord,
    slots: { slots: number; expiresAt: Date },
  ): Promise<DocumentRecord | undefined>;
  /** Frees a document's upload slot, unless another ticket took it after this one expired. */
  releaseUploadSlot(tenant: string, document: DocumentRecord): Promise<void>;
  /** Claims a pending document for one confirm until `until`; false when it is no longer pending or held. */
  claimDocument(tenant: string, document: DocumentRecord, now: Date, until: Date): Promise<boolean>;
  /** Releases the claim taken until `until`, never a later confirm's. */
  releaseDocumentClaim(tenant: string, document: DocumentRecord, until: Date): Promise<void>;
  /** Makes a pending document available, provided the case is still in `caseStatus`. */
  confirmDocument(tenant: string, document: DocumentRecord, caseStatus: string): Promise<ConfirmResult>;
  /** Replaces a document whose status is still `expected`; false when it has moved on. */
  replaceDocument(
    tenant: string,
    document: DocumentRecord,
    expected: DocumentRecord['status'],
  ): Promise<boolean>;
  putAccessLog(tenant: string, caseId: string, entry: AccessLogEntry): Promise<void>;
  /** Up to `limit` entries of a case's access log after `after`, oldest first. */
  accessLogPage(
    tenant: string,
    caseId: string,
    page: { after?: AccessLogPosition; limit: number },
  ): Promise<AccessLogPage>;
}

/** What the document use cases need from object storage (S3 in production, s3rver locally). */
export interface DocumentStore {
  /** A presigned POST for exactly this key and content type, at most `maxBytes`, valid `expiresIn` seconds. */
  presignUpload(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresIn: number;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  /**
   * Copies an object within the bucket, server-side (type included); undefined when there is no
   * object at `from`. `versionId` is the copy's version, where the bucket keeps versions.
   */
  copy(from: string, to: string): Promise<{ versionId?: string } | undefined>;
  /** Size and type of a stored object (in the given version), or undefined when there is none. */
  head(
    key: string,
    versionId?: string,
  ): Promise<{ size: number; contentType?: string; versionId?: string } | undefined>;
  /** The object, in the given version when the bucket keeps versions. */
  read(key: string, versionId?: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  /** A presigned GET that makes the browser save the file under its original name. */
  presignDownload(input: {
    key: string;
    versionId?: string;
    filename: string;
    expiresIn: number;
  }): Promise<string>;
}

/** The referentiel of a tenant (centres, fédérations, partenaires, prestataires). */
export type ReferentielSource = (tenant: string) => Promise<Referentiel>;

/** The time now: the one clock of a request, so that tests can set it. */
export type Clock = () => Date;

/** New ids of cases and documents. */
export interface CaseIds {
  newCaseId: () => string;
  newDocumentId: () => string;
}

/** A mail to send (the notifications of the outbox); implemented by the next issue's dispatcher. */
export interface Mailer {
  send(mail: { to: string[]; subject: string; text: string; html: string }): Promise<void>;
}

/** What the case use cases take: one field per port, and the key that signs listing cursors. */
export interface CaseDeps extends CaseIds {
  cases: CaseStore;
  documents: DocumentReader;
  idempotency: IdempotencyStore;
  referentiel: ReferentielSource;
  now: Clock;
  /** Calendar days given to each waiting step, by nature (configuration). */
  delais: Delais;
  cursorSecret: string;
  /** How a change that lost a race waits and when it gives up (shared/cases/contention.ts). */
  contention?: Contention;
  /** The line the writers of a case wait in within this process (case-turns.ts; by default the process's). */
  turns?: CaseTurns;
}

/** What the document use cases take besides: the documents' records and the object storage (only their functions load them). */
export interface DocumentDeps extends CaseDeps {
  documents: DocumentRecords;
  files: DocumentStore;
}
