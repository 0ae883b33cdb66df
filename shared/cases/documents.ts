import { createHash } from 'node:crypto';
import {
  documentView,
  maySeeAccessLog,
  maySeeDocument,
  mayUpload,
  rapportVersion,
} from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import {
  type AccessLogEntry,
  type DocumentRecord,
  type DocumentView,
  documentKey,
  type NewDocumentSchema,
  stagingKey,
} from '../domain/document.ts';
import { NotAllowedError, NotFoundError, NotPossibleNowError, RuleViolationError } from '../domain/errors.ts';
import {
  type AllowedContentType,
  bytesMatchType,
  MAX_DOCUMENT_BYTES,
  SNIFF_BYTES,
} from '../domain/file-types.ts';
import type * as z from '../domain/zod.ts';
import { decodeLogCursor, encodeLogCursor } from './cursor.ts';
import type { DocumentDeps } from './ports.ts';
import { findVisibleCase, type VisibleCase, visibleCase } from './visible-case.ts';

/** A presigned POST lives 15 minutes; a download link 5. */
export const UPLOAD_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_TTL_SECONDS = 5 * 60;
/** Upload tickets of a case that may wait for their file at once (each lives UPLOAD_TTL_SECONDS). */
export const MAX_PENDING_UPLOADS = 20;

async function existingDocument(deps: DocumentDeps, caller: Caller, caseId: string, documentId: string) {
  const document = await deps.documents.getDocument(caller.tenant, caseId, documentId);
  if (!document) throw new NotFoundError(`No document ${documentId} on case ${caseId}.`);
  return document;
}

const inSeconds = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/**
 * Records a document as `pending` and hands back a presigned POST for its staging key, once the
 * handler has found the case visible (404) and read the request (400). Primary course:
 * 1. this relation uploads this kind (403), in this status (409)
 * 2. record the document in a free upload slot of the case (409 when all are taken)
 * 3. presign the upload (the file never passes through the API)
 */
export async function requestUpload(
  deps: DocumentDeps,
  caller: Caller,
  { record, relation }: VisibleCase,
  body: z.infer<typeof NewDocumentSchema>,
) {
  const caseId = record.id;
  const check = mayUpload(relation, body.kind, record.status);
  if (check === 'forbidden') throw new NotAllowedError(`A ${relation} does not upload a ${body.kind}.`);
  if (check === 'not-now')
    throw new NotPossibleNowError(`No ${body.kind} can be uploaded while the case is ${record.status}.`);

  const now = deps.now();
  const id = deps.newDocumentId();
  const pending: DocumentRecord = {
    id,
    caseId,
    kind: body.kind,
    status: 'pending',
    filename: body.filename,
    contentType: body.contentType,
    size: body.size,
    key: documentKey(record.centreId, caseId, id),
    uploaderOrganisationId: caller.organisationId,
    uploadedBy: caller.sub,
    createdAt: now.toISOString(),
  };
  const expiresAt = new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000);
  const document = await deps.documents.issueUploadTicket(caller.tenant, pending, {
    slots: MAX_PENDING_UPLOADS,
    expiresAt,
  });
  if (!document) {
    throw new NotPossibleNowError(
      `This case already has ${MAX_PENDING_UPLOADS} uploads waiting for their file, the most at once: ` +
        'confirm one, or wait until a ticket expires (15 minutes).',
    );
  }
  const { url, fields } = await deps.files.presignUpload({
    key: stagingKey(document),
    contentType: document.contentType,
    maxBytes: MAX_DOCUMENT_BYTES,
    expiresIn: UPLOAD_TTL_SECONDS,
  });
  return {
    document: documentView(record, document),
    upload: { method: 'POST' as const, url, fields, expiresAt: expiresAt.toISOString() },
  };
}

/** Reads the object once: its SHA-256, its length, and its leading bytes for the type check. */
async function inspect(deps: DocumentDeps, key: string, versionId?: string) {
  const hash = createHash('sha256');
  const leading: Buffer[] = [];
  let length = 0;
  for await (const chunk of await deps.files.read(key, versionId)) {
    const bytes = chunk as Buffer;
    if (length < SNIFF_BYTES) leading.push(bytes.subarray(0, SNIFF_BYTES - length));
    length += bytes.length;
    hash.update(bytes);
  }
  return { sha256: hash.digest('hex'), length, leading: new Uint8Array(Buffer.concat(leading)) };
}

/** How long a confirm holds its document: well beyond a function's 10 s timeout. */
const CLAIM_MS = 60_000;

/** How many times confirm re-reads a case whose status changed under it before giving up. */
const CONFIRM_ATTEMPTS = 3;

/**
 * The uploader confirms. Primary course:
 * 0. claim the document, so that no other confirm of it runs meanwhile (409 while one does; the
 *    same answer as the first once it has finished)
 * 1. the upload window must still be open for this kind in the case's current status (else 409)
 * 2. copy the staging object to the document's key, server-side (422 when nothing was posted)
 * 3. check that copy, never the staging object: at most 20 MiB, of the declared size and
 *    type, bytes that look like that type (else 422); so a re-POST with a still-valid form
 *    cannot change what was checked
 * 4. make the document `available` under the condition that the case is still in the status
 *    checked in 1 (a changed status is read again: 409 if the window has closed meanwhile)
 * A refused upload is marked `rejected` with the reason and its objects are deleted: it never
 * becomes `available`.
 */
export async function confirmUpload(
  deps: DocumentDeps,
  caller: Caller,
  caseId: string,
  documentId: string,
): Promise<DocumentView> {
  const visible = await visibleCase(deps, caller, caseId);
  let record = visible.record;
  const document = await existingDocument(deps, caller, caseId, documentId);
  if (document.uploadedBy !== caller.sub) throw new NotAllowedError('Only the uploader confirms a document.');
  if (document.status === 'available') return documentView(record, document);
  if (document.status === 'rejected') {
    throw new NotPossibleNowError(`This upload was refused (${document.rejection}); request a new one.`);
  }

  // One confirm at a time per document: another one answers what this one will have decided.
  const now = deps.now();
  const claimedUntil = new Date(now.getTime() + CLAIM_MS);
  if (!(await deps.documents.claimDocument(caller.tenant, document, now, claimedUntil))) {
    const current = await existingDocument(deps, caller, caseId, documentId);
    if (current.status === 'available') return documentView(record, current);
    if (current.status === 'rejected') {
      throw new NotPossibleNowError(`This upload was refused (${current.rejection}); request a new one.`);
    }
    throw new NotPossibleNowError(
      'This document is being confirmed by another request; ask again in a moment.',
    );
  }

  try {
    const staging = stagingKey(document);
    /** Marks the document rejected, then deletes its objects: never those of a document that moved on. */
    const refuse = async (reason: string, answer: Error): Promise<never> => {
      const rejected: DocumentRecord = { ...document, status: 'rejected', rejection: reason };
      if (!(await deps.documents.replaceDocument(caller.tenant, rejected, 'pending')))
        throw changedMeanwhile();
      await Promise.all([
        deps.files.remove(staging),
        deps.files.remove(document.key),
        deps.documents.releaseUploadSlot(caller.tenant, document),
      ]);
      throw answer;
    };
    const windowClosed = (status: string) => {
      const reason = `no ${document.kind} can be confirmed while the case is ${status}`;
      return refuse(reason, new NotPossibleNowError(`The upload was refused: ${reason}.`));
    };
    const invalid = (reason: string) =>
      refuse(reason, new RuleViolationError(`The upload was refused: ${reason}.`));

    if (mayUpload(visible.relation, document.kind, record.status) !== 'ok') await windowClosed(record.status);

    const copied = await deps.files.copy(staging, document.key);
    const head = copied && (await deps.files.head(document.key, copied.versionId));
    if (!head) throw new RuleViolationError('No file has been uploaded for this document yet.');
    if (head.size > MAX_DOCUMENT_BYTES) await invalid(`the file is over ${MAX_DOCUMENT_BYTES} bytes`);
    if (head.size !== document.size)
      await invalid(`the file has ${head.size} bytes, ${document.size} were declared`);
    if (head.contentType !== document.contentType) {
      await invalid(
        `the file is stored as ${head.contentType ?? 'no type'}, ${document.contentType} was declared`,
      );
    }
    const versionId = copied.versionId ?? head.versionId;
    const { sha256, length, leading } = await inspect(deps, document.key, versionId);
    if (length !== document.size)
      await invalid(`the file has ${length} bytes, ${document.size} were declared`);
    if (!bytesMatchType(document.contentType as AllowedContentType, leading)) {
      await invalid(`its content is not ${document.contentType}`);
    }

    const available: DocumentRecord = {
      ...document,
      status: 'available',
      sha256,
      confirmedAt: deps.now().toISOString(),
      ...(versionId && { versionId }),
    };
    for (let attempt = 1; ; attempt++) {
      const result = await deps.documents.confirmDocument(caller.tenant, available, record.status);
      if (result === 'confirmed') break;
      if (result === 'document-moved') throw changedMeanwhile();
      // The case changed status after the check: the window may still be open in the new one.
      const fresh = await findVisibleCase(deps, caller, caseId);
      if (!fresh || mayUpload(fresh.relation, document.kind, fresh.record.status) !== 'ok') {
        await windowClosed(fresh?.record.status ?? record.status);
      }
      if (attempt === CONFIRM_ATTEMPTS)
        throw new NotPossibleNowError('The case kept changing; confirm again.');
      record = (fresh as VisibleCase).record;
    }
    // The staging copy and the slot are done with; what this misses, the lifecycle rule (a day)
    // and the slot's expiry (15 minutes) take care of: the document is available either way.
    await Promise.allSettled([
      deps.files.remove(staging),
      deps.documents.releaseUploadSlot(caller.tenant, document),
    ]);
    return documentView(record, available);
  } catch (error) {
    // Still pending (no file yet, a case that kept changing, a failure): the next confirm may run.
    await deps.documents.releaseDocumentClaim(caller.tenant, document, claimedUntil).catch(() => undefined);
    throw error;
  }
}

const changedMeanwhile = () => new NotPossibleNowError('This document changed while it was being confirmed.');

export async function listDocuments(
  deps: DocumentDeps,
  caller: Caller,
  caseId: string,
): Promise<DocumentView[]> {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  const documents = await deps.documents.listDocuments(caller.tenant, caseId);
  return documents
    .filter((d) => maySeeDocument(caller, relation, record, d))
    .map((d) => documentView(record, d));
}

/**
 * A download link, written first to the case's access log: if that write fails, no link is issued.
 */
export async function downloadDocument(
  deps: DocumentDeps,
  caller: Caller,
  caseId: string,
  documentId: string,
) {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  const document = await existingDocument(deps, caller, caseId, documentId);
  if (!maySeeDocument(caller, relation, record, document))
    throw new NotAllowedError('This document is not for you.');
  if (document.status !== 'available') throw new NotPossibleNowError('This document has not been confirmed.');

  const now = deps.now();
  const expiresAt = inSeconds(now, DOWNLOAD_TTL_SECONDS);
  const version = document.kind === 'rapport' ? rapportVersion(record, document.id) : undefined;
  const entry: AccessLogEntry = {
    at: now.toISOString(),
    user: { sub: caller.sub, email: caller.email, role: caller.role, organisationId: caller.organisationId },
    documentId: document.id,
    kind: document.kind,
    filename: document.filename,
    ...(version && { rapportVersion: version }),
    expiresAt,
  };
  await deps.documents.putAccessLog(caller.tenant, caseId, entry);
  const downloadUrl = await deps.files.presignDownload({
    key: document.key,
    ...(document.versionId && { versionId: document.versionId }),
    filename: document.filename,
    expiresIn: DOWNLOAD_TTL_SECONDS,
  });
  return { document: documentView(record, document), downloadUrl, expiresAt };
}

/** A page of the access log is at most this many DynamoDB Query calls, whatever the reader may see. */
export const ACCESS_LOG_MAX_READS = 4;
/** Entries read per Query past the first (which reads one page and one entry). */
export const ACCESS_LOG_READ_BATCH = 500;

export interface AccessLogQuery {
  limit: number;
  cursor?: string;
}

/**
 * Who obtained which link, oldest first, a page at a time: only for documents the reader may see
 * itself (a draft's name is content too). Entries of hidden documents are skipped while reading,
 * so a page is filled from further on; the reading stops after ACCESS_LOG_MAX_READS queries, and
 * only then may a page be short (even empty) with a `nextCursor`.
 */
export async function accessLog(
  deps: DocumentDeps,
  caller: Caller,
  caseId: string,
  { limit, cursor }: AccessLogQuery,
): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  if (!maySeeAccessLog(relation)) {
    throw new NotAllowedError('The access log is for the centre and the coordination.');
  }
  const scope = `${caller.tenant}|${caller.sub}|access-log|${caseId}`;
  let position = cursor ? decodeLogCursor(cursor, scope, deps.cursorSecret) : undefined;
  const documents = await deps.documents.listDocuments(caller.tenant, caseId);
  const visible = new Set(
    documents.filter((d) => maySeeDocument(caller, relation, record, d)).map((d) => d.id),
  );
  const next = () => (position ? encodeLogCursor({ ...position, scope }, deps.cursorSecret) : null);

  const items: AccessLogEntry[] = [];
  for (let read = 0; read < ACCESS_LOG_MAX_READS; read++) {
    const page = await deps.documents.accessLogPage(caller.tenant, caseId, {
      ...(position && { after: { at: position.at, id: position.id } }),
      // One more than the page needs: a full page then knows whether anything follows.
      limit: read === 0 ? limit + 1 : ACCESS_LOG_READ_BATCH,
    });
    for (const { entry, position: at } of page.entries) {
      if (visible.has(entry.documentId)) {
        if (items.length === limit) return { items, nextCursor: next() };
        items.push(entry);
      }
      position = { ...at, scope };
    }
    if (!page.more) return { items, nextCursor: null };
    if (items.length === limit) return { items, nextCursor: next() };
  }
  return { items, nextCursor: next() };
}
