import { expect } from 'vitest';
import { ALLOWED_TYPES } from '../../shared/domain/file-types.ts';
import type { apiClient } from './api.ts';

type Api = ReturnType<typeof apiClient>;

/** Small but real files of each family, recognisable by their leading bytes. */
export const SAMPLE = {
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  text: Buffer.from('Compte rendu de la rencontre partenaires.\nPrésents : Caf, État, Ville.\n'),
  executable: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
};

export interface UploadSpec {
  kind: 'piece_jointe' | 'rapport' | 'compte_rendu';
  filename?: string;
  contentType?: string;
  bytes?: Buffer;
  /** Size declared to the API, when it should differ from the bytes sent. */
  declaredSize?: number;
}

/** A name whose extension fits the type (the API refuses one that does not), when the test gives none. */
function defaultFilename(contentType = 'application/pdf'): string {
  const known = ALLOWED_TYPES[contentType as keyof typeof ALLOWED_TYPES];
  return known ? `rapport-diagnostic.${known.extensions[0]}` : 'rapport-diagnostic.pdf';
}

/** Asks for an upload ticket; returns the raw answer. */
export function requestUpload(api: Api, as: string, caseId: string, spec: UploadSpec) {
  const bytes = spec.bytes ?? SAMPLE.pdf;
  return api.call('POST', `/cases/${caseId}/documents`, {
    as,
    body: {
      kind: spec.kind,
      filename: spec.filename ?? defaultFilename(spec.contentType),
      contentType: spec.contentType ?? 'application/pdf',
      size: spec.declaredSize ?? bytes.length,
    },
  });
}

/** Sends the file to object storage with the presigned POST, as a browser form would. */
export async function postToStorage(
  upload: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  contentType: string,
  filename = 'file',
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
  return fetch(upload.url, { method: 'POST', body: form });
}

/** The whole upload, as a client does it: ticket, POST to storage, confirm. Returns the document id. */
export async function uploadDocument(
  api: Api,
  as: string,
  caseId: string,
  spec: UploadSpec,
): Promise<string> {
  const bytes = spec.bytes ?? SAMPLE.pdf;
  const contentType = spec.contentType ?? 'application/pdf';
  const ticket = await requestUpload(api, as, caseId, spec);
  expect(ticket.status, ticket.text).toBe(201);
  const stored = await postToStorage(ticket.json.upload, bytes, contentType, spec.filename);
  expect(stored.status, await stored.clone().text()).toBeLessThan(300);
  const confirmed = await api.call('POST', `/cases/${caseId}/documents/${ticket.json.document.id}/confirm`, {
    as,
  });
  expect(confirmed.status, confirmed.text).toBe(200);
  return ticket.json.document.id as string;
}
