import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import {
  type DocumentKind,
  type DocumentView,
  NewDocumentSchema,
} from '../../../../shared/domain/document.ts';
import {
  ALLOWED_TYPES,
  type AllowedContentType,
  extensionFits,
  MAX_DOCUMENT_BYTES,
} from '../../../../shared/domain/file-types.ts';
import { ApiError, api } from '../../api/client.ts';
import { keys } from '../../api/hooks.ts';

/**
 * An upload as the API has it (DESIGN.md §4): a ticket from `POST /cases/{id}/documents`, the file
 * posted straight to storage with the presigned form (XMLHttpRequest, for its progress), then
 * `confirm`, where the API checks the file. Refusals become French sentences (`UploadError`).
 */

export class UploadError extends Error {
  override name = 'UploadError';
}

interface Ticket {
  document: DocumentView;
  upload: { method: 'POST'; url: string; fields: Record<string, string>; expiresAt: string };
}

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; filename: string; percent: number }
  | { phase: 'checking'; filename: string };

/** The type to declare: the browser's when it is accepted, else the one the extension names. */
function contentTypeOf(file: File): string {
  if (file.type in ALLOWED_TYPES) return file.type;
  const extension = file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase();
  const found = Object.entries(ALLOWED_TYPES).find(([, t]) =>
    (t.extensions as readonly string[]).includes(extension),
  );
  return found?.[0] ?? (file.type || 'application/octet-stream');
}

function refusal(file: File, path: string | undefined): string {
  const name = `« ${file.name} »`;
  if (file.size > MAX_DOCUMENT_BYTES) return `Le fichier ${name} dépasse 20 Mo : il ne peut pas être déposé.`;
  if (file.size === 0) return `Le fichier ${name} est vide.`;
  const type = contentTypeOf(file);
  if (path === 'filename' && type in ALLOWED_TYPES && extensionFits(type as AllowedContentType, file.name))
    return `Le nom du fichier ${name} contient des caractères non acceptés : renommez-le.`;
  return `Le fichier ${name} n’est pas d’un type accepté (PDF, DOCX, XLSX, ODT, ODS, CSV, TXT, PNG ou JPEG, avec l’extension de son type).`;
}

function postToStorage(ticket: Ticket, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.upload.fields)) form.append(name, value);
    form.append('file', file);
    const request = new XMLHttpRequest();
    request.open('POST', ticket.upload.url);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    request.addEventListener('load', () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new UploadError(`Le fichier « ${file.name} » a été refusé par le stockage : réessayez.`)),
    );
    request.addEventListener('error', () =>
      reject(
        new UploadError(
          `L’envoi de « ${file.name} » a été interrompu : vérifiez votre connexion et réessayez.`,
        ),
      ),
    );
    request.send(form);
  });
}

function apiRefusal(error: unknown, file: File, step: 'ticket' | 'confirm'): UploadError {
  if (!(error instanceof ApiError)) {
    return new UploadError('Le service ne répond pas. Vérifiez votre connexion, puis réessayez.');
  }
  const name = `« ${file.name} »`;
  switch (error.status) {
    case 400:
      return new UploadError(refusal(file, error.problem.errors?.[0]?.path.replace(/^body\./, '')));
    case 403:
      return new UploadError('Vous ne pouvez pas déposer ce type de document sur ce dossier.');
    case 409:
      return new UploadError(
        step === 'ticket'
          ? `Le dépôt de ${name} n’est pas possible à cette étape du dossier (ou trop d’envois sont en cours : réessayez dans quelques minutes).`
          : `Le dépôt de ${name} n’est plus possible : le dossier a changé d’étape entre-temps. Le fichier n’a pas été retenu.`,
      );
    case 422:
      return new UploadError(
        `Le fichier ${name} a été refusé à la vérification : son contenu ne correspond pas à son type, ou il n’est pas arrivé entier. Réessayez.`,
      );
    default:
      return new UploadError('Le service a rencontré une erreur. Réessayez dans un instant.');
  }
}

/**
 * Uploads one document of this kind to the case; `state` drives the progress bar. The same file
 * given again (its event failed, the user sends the form again) is not uploaded twice.
 */
export function useUpload(caseId: string, kind: DocumentKind) {
  const client = useQueryClient();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const last = useRef<{ file: File; document: DocumentView }>(undefined);
  const base = `/cases/${encodeURIComponent(caseId)}/documents`;

  async function upload(file: File): Promise<DocumentView> {
    if (last.current?.file === file) return last.current.document;
    const declared = NewDocumentSchema.safeParse({
      kind,
      filename: file.name,
      contentType: contentTypeOf(file),
      size: file.size,
    });
    if (!declared.success) {
      throw new UploadError(refusal(file, declared.error.issues[0]?.path.map(String).join('.')));
    }
    try {
      setState({ phase: 'sending', filename: file.name, percent: 0 });
      const ticket = await api<Ticket>(base, { method: 'POST', body: declared.data }).catch((error) => {
        throw apiRefusal(error, file, 'ticket');
      });
      await postToStorage(ticket, file, (percent) =>
        setState({ phase: 'sending', filename: file.name, percent }),
      );
      setState({ phase: 'checking', filename: file.name });
      const confirmed = await api<{ document: DocumentView }>(
        `${base}/${encodeURIComponent(ticket.document.id)}/confirm`,
        { method: 'POST' },
      ).catch((error) => {
        throw apiRefusal(error, file, 'confirm');
      });
      last.current = { file, document: confirmed.document };
      await client.invalidateQueries({ queryKey: keys.documents(caseId) });
      return confirmed.document;
    } finally {
      setState({ phase: 'idle' });
    }
  }

  return { state, upload, busy: state.phase !== 'idle' };
}

/** The progress of an upload: a labelled bar and its percentage in words. */
export function UploadProgress({ id, state }: { id: string; state: UploadState }) {
  if (state.phase === 'idle') return null;
  const percent = state.phase === 'sending' ? state.percent : 100;
  return (
    <div className="upload-progress">
      <label htmlFor={id}>Envoi de « {state.filename} »</label>
      <progress id={id} max={100} value={percent}>
        {percent} %
      </progress>
      <span className="upload-percent">
        {percent} %{state.phase === 'checking' && ' — vérification du fichier…'}
      </span>
    </div>
  );
}

/**
 * Asks for a download link at the moment of the click (it lives five minutes, and asking writes
 * the access log), then follows it: the storage answers with the file as an attachment.
 */
export async function downloadDocument(caseId: string, documentId: string): Promise<void> {
  const link = await api<{ downloadUrl: string }>(
    `/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(documentId)}`,
  );
  window.location.assign(link.downloadUrl);
}

/** An upload's failure as a sentence for the user. */
export const uploadFailure = (error: unknown) =>
  error instanceof UploadError ? error.message : 'Le fichier n’a pas pu être envoyé. Réessayez.';
