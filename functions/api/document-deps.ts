import type { DocumentDeps } from '../../shared/cases/ports.ts';
import { createS3DocumentStore } from '../../shared/store/s3-document-store.ts';
import { caseDeps } from './case-deps.ts';

/**
 * The composition root of the document handlers: the case ports and the object storage. Only
 * the documents function imports it, so the others carry no S3 client.
 */
export const documentDeps: DocumentDeps = { ...caseDeps, files: createS3DocumentStore() };
