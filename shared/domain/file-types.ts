/**
 * The document types Renfort accepts, and how to recognise each by its leading bytes.
 * A declared type is believed only if the bytes agree: a ".pdf" that starts like an
 * executable is refused, and so is a name whose extension is not the type's: the name is what
 * the reader's computer uses to choose the program that opens the file.
 */

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

const ZIP = [0x50, 0x4b, 0x03, 0x04];

const startsWith = (bytes: Uint8Array, prefix: number[], offset = 0) =>
  prefix.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** OpenDocument files are zips whose first entry is an uncompressed `mimetype` holding the type. */
const openDocument = /* @__NO_SIDE_EFFECTS__ */ (mime: string) => (bytes: Uint8Array) =>
  startsWith(bytes, ZIP) && startsWith(bytes, ascii(`mimetype${mime}`), 30);

/** Plain text: no NUL byte and nothing that starts like a program. */
const text = (bytes: Uint8Array) =>
  !bytes.includes(0) && !startsWith(bytes, ascii('MZ')) && !startsWith(bytes, [0x7f, ...ascii('ELF')]);

export const ALLOWED_TYPES = {
  'application/pdf': {
    label: 'PDF',
    extensions: ['pdf'],
    matches: (b: Uint8Array) => startsWith(b, ascii('%PDF-')),
  },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    label: 'DOCX',
    extensions: ['docx'],
    matches: (b: Uint8Array) => startsWith(b, ZIP),
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    label: 'XLSX',
    extensions: ['xlsx'],
    matches: (b: Uint8Array) => startsWith(b, ZIP),
  },
  'application/vnd.oasis.opendocument.text': {
    label: 'ODT',
    extensions: ['odt'],
    matches: openDocument('application/vnd.oasis.opendocument.text'),
  },
  'application/vnd.oasis.opendocument.spreadsheet': {
    label: 'ODS',
    extensions: ['ods'],
    matches: openDocument('application/vnd.oasis.opendocument.spreadsheet'),
  },
  'text/csv': { label: 'CSV', extensions: ['csv'], matches: text },
  'text/plain': { label: 'TXT', extensions: ['txt'], matches: text },
  'image/png': {
    label: 'PNG',
    extensions: ['png'],
    matches: (b: Uint8Array) => startsWith(b, [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  'image/jpeg': {
    label: 'JPEG',
    extensions: ['jpg', 'jpeg'],
    matches: (b: Uint8Array) => startsWith(b, [0xff, 0xd8, 0xff]),
  },
} as const;

export type AllowedContentType = keyof typeof ALLOWED_TYPES;
export const ALLOWED_CONTENT_TYPES = /* @__PURE__ */ Object.keys(ALLOWED_TYPES) as [
  AllowedContentType,
  ...AllowedContentType[],
];

/** How many leading bytes the checks look at (text types are scanned that far for NUL bytes). */
export const SNIFF_BYTES = 4096;

export function bytesMatchType(contentType: AllowedContentType, leading: Uint8Array): boolean {
  return ALLOWED_TYPES[contentType].matches(leading.subarray(0, SNIFF_BYTES));
}

/** The extensions a file of this type may be named with, compared case-insensitively. */
export function extensionFits(contentType: AllowedContentType, filename: string): boolean {
  const dot = filename.lastIndexOf('.');
  const extension = dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
  return (ALLOWED_TYPES[contentType].extensions as readonly string[]).includes(extension);
}
