import type { DocumentDeps } from '../../shared/cases/ports.ts';
import { config } from '../../shared/config.ts';
import { createDocumentRepository } from '../../shared/store/document-repository.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createS3DocumentStore } from '../../shared/store/s3-document-store.ts';
import { caseDeps } from './case-deps.ts';

/**
 * The composition root of the document handlers: the case ports, the documents' records and the
 * object storage. Only the documents function imports it, so the others carry neither the
 * documents' repository nor an S3 client.
 */
export const documentDeps: DocumentDeps = {
  ...caseDeps,
  documents: createDocumentRepository(createDocumentClient(), config().TABLE_NAME),
  files: createS3DocumentStore(),
};
