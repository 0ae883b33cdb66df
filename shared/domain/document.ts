import { ALLOWED_CONTENT_TYPES, ALLOWED_TYPES, extensionFits, MAX_DOCUMENT_BYTES } from './file-types.ts';
import * as z from './zod.ts';

export const DOCUMENT_KINDS = ['piece_jointe', 'rapport', 'compte_rendu'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DocumentIdSchema = z.string().check(z.regex(/^d-[0-9a-z]{26}$/, 'Not a document id'));

/** A document of a case, as stored. The file itself is in S3 under `key`. */
export interface DocumentRecord {
  id: string;
  caseId: string;
  kind: DocumentKind;
  status: 'pending' | 'available' | 'rejected';
  filename: string;
  contentType: string;
  size: number;
  key: string;
  uploaderOrganisationId: string;
  uploadedBy: string;
  createdAt: string;
  confirmedAt?: string;
  sha256?: string;
  /**
   * The object version that was checked (on AWS, where the bucket keeps versions): downloads are
   * signed for it, so a second POST with a still-valid upload form cannot swap the file.
   */
  versionId?: string;
  rejection?: string;
  /** The upload slot this pending ticket holds (see `MAX_PENDING_UPLOADS`), freed at confirm. */
  uploadSlot?: number;
  /** Until when a confirm in progress holds this pending document (ISO instant). */
  confirmingUntil?: string;
}

/** Half of a UTF-16 pair on its own: no character at all, and unencodable in a header. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NewDocumentSchema = /* @__PURE__ */ z
  .strictObject({
    kind: z.enum(DOCUMENT_KINDS),
    /** Metadata only: the key never contains it, so any name is harmless. */
    filename: z.string().check(
      z.trim(),
      z.minLength(1, 'Must not be empty'),
      z.maxLength(255, 'At most 255 characters'),
      z.refine((name) => !/\p{Cc}/u.test(name), 'No control characters'),
      // `facture\u202Efdp.exe` displays as `factureexe.pdf`: the name would lie about the file.
      z.refine((name) => !/\p{Bidi_Control}/u.test(name), 'No bidirectional control characters'),
      z.refine((name) => !LONE_SURROGATE.test(name), 'Not well-formed Unicode'),
    ),
    contentType: z.enum(ALLOWED_CONTENT_TYPES, {
      error: `Allowed types: ${ALLOWED_CONTENT_TYPES.join(', ')}`,
    }),
    size: z
      .int()
      .check(
        z.gte(1, 'An empty file is not a document'),
        z.lte(MAX_DOCUMENT_BYTES, `At most ${MAX_DOCUMENT_BYTES} bytes (20 MiB)`),
      ),
  })
  // The extension must fit the declared type (`lisez-moi.hta` is no text file); checked only on
  // a name and a type that are valid themselves, so that each field gets one error at most.
  .check((ctx) => {
    if (ctx.issues.some((issue) => issue.path?.[0] === 'filename')) return;
    const { filename, contentType } = ctx.value;
    if (extensionFits(contentType, filename)) return;
    const endings = ALLOWED_TYPES[contentType].extensions.map((e) => `.${e}`).join(' or ');
    ctx.issues.push({
      code: 'custom',
      path: ['filename'],
      message: `Must end in ${endings} for ${contentType}`,
      input: filename,
    });
  })
  .register(z.globalRegistry, { id: 'NewDocument' });

export const DocumentSchema = /* @__PURE__ */ z
  .object({
    id: z.string(),
    caseId: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    status: z.enum(['pending', 'available', 'rejected']),
    filename: z.string(),
    contentType: z.string(),
    size: z.int(),
    uploaderOrganisationId: z.string(),
    createdAt: z.string(),
    confirmedAt: z.optional(z.string()),
    sha256: z.optional(z.string()),
    rejection: z.optional(z.string()),
    rapportVersion: z
      .optional(z.int())
      .register(z.globalRegistry, { description: 'For a submitted rapport: 1 for the first submission…' }),
  })
  .register(z.globalRegistry, { id: 'Document' });

export type DocumentView = z.infer<typeof DocumentSchema>;

export const AccessLogEntrySchema = /* @__PURE__ */ z
  .object({
    at: z.string(),
    user: z.object({ sub: z.string(), email: z.string(), role: z.string(), organisationId: z.string() }),
    documentId: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    filename: z.string(),
    rapportVersion: z.optional(z.int()),
    expiresAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'AccessLogEntry' });

export type AccessLogEntry = z.infer<typeof AccessLogEntrySchema>;

export const documentKey = (centreId: string, caseId: string, documentId: string) =>
  `centres/${centreId}/cases/${caseId}/documents/${documentId}`;

/**
 * Where the browser POSTs the file: a staging key under `incoming/`, which the bucket's lifecycle
 * rule empties after a day. Confirm copies it to `key` and checks that copy, so that nothing
 * posted after the check (a still-valid form) can reach the confirmed file.
 */
export const STAGING_PREFIX = 'incoming/';
export const stagingKey = (document: Pick<DocumentRecord, 'key'>) => `${STAGING_PREFIX}${document.key}`;

/** `Content-Disposition` for a download: the original name, safely, whatever characters it has (RFC 6266). */
export function attachmentDisposition(name: string): string {
  // A stored name is well-formed (the schema checks it); a stray surrogate still must not break a download.
  const filename = name.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
