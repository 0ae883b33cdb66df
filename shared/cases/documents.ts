import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  documentView,
  maySeeAccessLog,
  maySeeDocument,
  mayUpload,
  rapportVersion,
} from '../access/policy.ts';
import {
  type AccessLogEntry,
  type DocumentRecord,
  type DocumentView,
  documentKey,
  type NewDocumentSchema,
} from '../documents/document.ts';
import {
  type AllowedContentType,
  bytesMatchType,
  MAX_DOCUMENT_BYTES,
  SNIFF_BYTES,
} from '../documents/file-types.ts';
import type { Caller } from '../domain/caller.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../http/problem.ts';
import { decodeAccessLogCursor, encodeAccessLogCursor } from './cursor.ts';
import type { CaseDeps } from './ports.ts';
import { visibleCase } from './visible-case.ts';

/** A presigned POST lives 15 minutes; a download link 5. */
export const UPLOAD_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_TTL_SECONDS = 5 * 60;

async function existingDocument(deps: CaseDeps, caller: Caller, caseId: string, documentId: string) {
  const document = await deps.cases.getDocument(caller.tenant, caseId, documentId);
  if (!document) throw new NotFoundError(`No document ${documentId} on case ${caseId}.`);
  return document;
}

const inSeconds = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/**
 * Records a document as `pending` and hands back a presigned POST for its one key.
 * 1. the case must be visible (404); the request well-formed (400)
 * 2. this relation uploads this kind (403), in this status (409)
 * 3. record the document, presign the upload (the file never passes through the API)
 */
export async function requestUpload(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
  read: () => z.infer<typeof NewDocumentSchema>,
) {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  const body = read();
  const check = mayUpload(relation, body.kind, record.status);
  if (check === 'forbidden') throw new ForbiddenError(`A ${relation} does not upload a ${body.kind}.`);
  if (check === 'not-now')
    throw new ConflictError(`No ${body.kind} can be uploaded while the case is ${record.status}.`);

  const now = deps.now();
  const id = deps.newDocumentId();
  const document: DocumentRecord = {
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
  await deps.cases.putDocument(caller.tenant, document);
  const { url, fields } = await deps.files.presignUpload({
    key: document.key,
    contentType: document.contentType,
    maxBytes: MAX_DOCUMENT_BYTES,
    expiresIn: UPLOAD_TTL_SECONDS,
  });
  return {
    document: documentView(record, document),
    upload: { method: 'POST' as const, url, fields, expiresAt: inSeconds(now, UPLOAD_TTL_SECONDS) },
  };
}

/** Reads the object once: its SHA-256, its length, and its leading bytes for the type check. */
async function inspect(deps: CaseDeps, key: string, versionId?: string) {
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

/**
 * The uploader confirms: the object must be there, of the declared size (at most 20 MiB), of
 * the declared type, and its bytes must look like that type. Otherwise it is deleted and the
 * answer is 422 with the reason; the document never becomes `available`.
 */
export async function confirmUpload(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
  documentId: string,
): Promise<DocumentView> {
  const { record } = await visibleCase(deps, caller, caseId);
  const document = await existingDocument(deps, caller, caseId, documentId);
  if (document.uploadedBy !== caller.sub) throw new ForbiddenError('Only the uploader confirms a document.');
  if (document.status === 'available') return documentView(record, document);
  if (document.status === 'rejected') {
    throw new ConflictError(`This upload was refused (${document.rejection}); request a new one.`);
  }

  const head = await deps.files.head(document.key);
  if (!head) throw new UnprocessableError('No file has been uploaded for this document yet.');
  const reject = async (reason: string): Promise<never> => {
    await deps.files.remove(document.key);
    await deps.cases.replaceDocument(
      caller.tenant,
      { ...document, status: 'rejected', rejection: reason },
      'pending',
    );
    throw new UnprocessableError(`The upload was refused: ${reason}.`);
  };
  if (head.size > MAX_DOCUMENT_BYTES) await reject(`the file is over ${MAX_DOCUMENT_BYTES} bytes`);
  if (head.size !== document.size)
    await reject(`the file has ${head.size} bytes, ${document.size} were declared`);
  if (head.contentType !== document.contentType) {
    await reject(
      `the file is stored as ${head.contentType ?? 'no type'}, ${document.contentType} was declared`,
    );
  }
  const { sha256, length, leading } = await inspect(deps, document.key, head.versionId);
  if (length !== document.size) await reject(`the file has ${length} bytes, ${document.size} were declared`);
  if (!bytesMatchType(document.contentType as AllowedContentType, leading)) {
    await reject(`its content is not ${document.contentType}`);
  }

  const available: DocumentRecord = {
    ...document,
    status: 'available',
    sha256,
    confirmedAt: deps.now().toISOString(),
    ...(head.versionId && { versionId: head.versionId }),
  };
  if (!(await deps.cases.replaceDocument(caller.tenant, available, 'pending'))) {
    throw new ConflictError('This document changed while it was being confirmed.');
  }
  return documentView(record, available);
}

export async function listDocuments(deps: CaseDeps, caller: Caller, caseId: string): Promise<DocumentView[]> {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  const documents = await deps.cases.listDocuments(caller.tenant, caseId);
  return documents
    .filter((d) => maySeeDocument(caller, relation, record, d))
    .map((d) => documentView(record, d));
}

/**
 * A download link, written first to the case's access log: if that write fails, no link is issued.
 */
export async function downloadDocument(deps: CaseDeps, caller: Caller, caseId: string, documentId: string) {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  const document = await existingDocument(deps, caller, caseId, documentId);
  if (!maySeeDocument(caller, relation, record, document))
    throw new ForbiddenError('This document is not for you.');
  if (document.status !== 'available') throw new ConflictError('This document has not been confirmed.');

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
  await deps.cases.putAccessLog(caller.tenant, caseId, entry);
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
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
  { limit, cursor }: AccessLogQuery,
): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  if (!maySeeAccessLog(relation)) {
    throw new ForbiddenError('The access log is for the centre and the coordination.');
  }
  const scope = `${caller.tenant}|${caller.sub}|access-log|${caseId}`;
  let position = cursor ? decodeAccessLogCursor(cursor, scope, deps.cursorSecret) : undefined;
  const documents = await deps.cases.listDocuments(caller.tenant, caseId);
  const visible = new Set(
    documents.filter((d) => maySeeDocument(caller, relation, record, d)).map((d) => d.id),
  );
  const next = () => (position ? encodeAccessLogCursor({ ...position, scope }, deps.cursorSecret) : null);

  const items: AccessLogEntry[] = [];
  for (let read = 0; read < ACCESS_LOG_MAX_READS; read++) {
    const page = await deps.cases.accessLogPage(caller.tenant, caseId, {
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
