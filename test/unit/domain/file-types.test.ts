import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition, NewDocumentSchema } from '../../../shared/domain/document.ts';
import {
  ALLOWED_CONTENT_TYPES,
  type AllowedContentType,
  bytesMatchType,
  MAX_DOCUMENT_BYTES,
  SNIFF_BYTES,
} from '../../../shared/domain/file-types.ts';

const MIB = 1024 * 1024;

/** A zip's first local file header, stored (uncompressed), as zip tools write it. */
function zipEntry(name: string, content: string | Buffer): Buffer {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0); // PK\x03\x04
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0, 6); // flags
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt16LE(0x6000, 10); // time
  header.writeUInt16LE(0x5a21, 12); // date
  header.writeUInt32LE(crc32(data), 14);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, Buffer.from(name), data]);
}

const ODT = 'application/vnd.oasis.opendocument.text';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Real leading bytes of a file of each type. */
const GOOD: Record<AllowedContentType, Buffer> = {
  'application/pdf': Buffer.from(
    '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n',
    'latin1',
  ),
  [DOCX]: Buffer.concat([
    zipEntry('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
    zipEntry('word/document.xml', '<w:document/>'),
  ]),
  [XLSX]: Buffer.concat([
    zipEntry('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
    zipEntry('xl/workbook.xml', '<workbook/>'),
  ]),
  [ODT]: Buffer.concat([zipEntry('mimetype', ODT), zipEntry('content.xml', '<office:document-content/>')]),
  [ODS]: Buffer.concat([zipEntry('mimetype', ODS), zipEntry('content.xml', '<office:document-content/>')]),
  'text/csv': Buffer.from('poste;montant\r\nloyer;1 200,00\r\nsalaires;45 000,00\r\n', 'utf8'),
  'text/plain': Buffer.from('\ufeffCompte rendu : présents Caf, État, Ville — 3 décisions.\n', 'utf8'),
  'image/png': Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
  'image/jpeg': Buffer.from('ffd8ffe000104a46494600010101004800480000ffdb0043', 'hex'),
};

const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]), Buffer.alloc(56)]);
const ELF = Buffer.concat([
  Buffer.from([0x7f]),
  Buffer.from('ELF'),
  Buffer.from([2, 1, 1, 0]),
  Buffer.alloc(56),
]);
const PLAIN_ZIP = zipEntry('notes.txt', 'bonjour');

/** Bytes of another kind that each type must refuse. */
const BAD: [AllowedContentType, string, Buffer][] = [
  ['application/pdf', 'a ZIP', PLAIN_ZIP],
  ['application/pdf', 'an executable (MZ)', MZ],
  ['application/pdf', 'a PDF marker not at the start', Buffer.from(' %PDF-1.7\n')],
  ['application/pdf', 'HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
  [DOCX, 'a PDF', GOOD['application/pdf']],
  [DOCX, 'an executable (MZ)', MZ],
  [XLSX, 'a PNG', GOOD['image/png']],
  [XLSX, 'CSV text', GOOD['text/csv']],
  [ODT, 'a plain ZIP without mimetype', PLAIN_ZIP],
  [ODT, 'a DOCX', GOOD[DOCX]],
  [ODT, 'an ODS (other OpenDocument mimetype)', GOOD[ODS]],
  [
    ODT,
    'a mimetype entry that is not the first',
    Buffer.concat([zipEntry('meta.xml', '<m/>'), zipEntry('mimetype', ODT)]),
  ],
  [ODS, 'an ODT', GOOD[ODT]],
  [ODS, 'a PDF', GOOD['application/pdf']],
  ['text/csv', 'a NUL byte', Buffer.from('poste;montant\nloyer;1200\0\n')],
  ['text/csv', 'an executable (MZ)', MZ],
  ['text/csv', 'an executable (ELF)', ELF],
  ['text/plain', 'an executable (MZ)', MZ],
  ['text/plain', 'an executable (ELF)', ELF],
  ['text/plain', 'a PNG (NUL bytes)', GOOD['image/png']],
  ['text/plain', 'a ZIP (NUL bytes)', PLAIN_ZIP],
  ['image/png', 'a JPEG', GOOD['image/jpeg']],
  ['image/png', 'a PNG signature cut short', Buffer.from('89504e470d0a1a', 'hex')],
  ['image/png', 'an executable (ELF)', ELF],
  ['image/jpeg', 'a PNG', GOOD['image/png']],
  ['image/jpeg', 'two bytes of a JPEG marker', Buffer.from('ffd8', 'hex')],
];

describe('bytesMatchType', () => {
  it('covers the nine types of DESIGN.md §4', () => {
    expect([...ALLOWED_CONTENT_TYPES].sort()).toEqual(Object.keys(GOOD).sort());
  });

  it.each(ALLOWED_CONTENT_TYPES)('accepts the real leading bytes of %s', (type) => {
    expect(bytesMatchType(type, new Uint8Array(GOOD[type]))).toBe(true);
  });

  it.each(BAD)('refuses, as %s, %s', (type, _, bytes) => {
    expect(bytesMatchType(type, new Uint8Array(bytes))).toBe(false);
  });

  it.each(ALLOWED_CONTENT_TYPES.filter((t) => !t.startsWith('text/')))(
    'refuses empty leading bytes as %s',
    (type) => {
      expect(bytesMatchType(type, new Uint8Array())).toBe(false);
    },
  );

  it('checks the OpenDocument mimetype exactly, at offset 30 of the first entry', () => {
    const odt = GOOD[ODT];
    expect(odt.subarray(30, 38).toString('latin1')).toBe('mimetype');
    expect(odt.subarray(38, 38 + ODT.length).toString('latin1')).toBe(ODT);
    expect(
      bytesMatchType(ODT, new Uint8Array(zipEntry('mimetype', 'application/vnd.oasis.opendocument.tex'))),
    ).toBe(false);
    expect(bytesMatchType(ODT, new Uint8Array(zipEntry('mimetypo', ODT)))).toBe(false);
  });

  it('finds a NUL anywhere in the sniffed bytes of a CSV, up to the last one', () => {
    const rows = Buffer.from('a;b\n'.repeat(SNIFF_BYTES));
    const nulAt = (i: number) => {
      const copy = Buffer.from(rows);
      copy[i] = 0;
      return new Uint8Array(copy);
    };
    expect(bytesMatchType('text/csv', new Uint8Array(rows))).toBe(true);
    expect(bytesMatchType('text/csv', nulAt(0))).toBe(false);
    expect(bytesMatchType('text/csv', nulAt(SNIFF_BYTES - 1))).toBe(false);
  });

  it('refuses any bytes with a NUL as text, and accepts any printable UTF-8 text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(199), (bytes, at) => {
        const copy = Uint8Array.from(bytes);
        copy[at % copy.length] = 0;
        expect(bytesMatchType('text/plain', copy)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (text) => {
        fc.pre(!text.includes('\0') && !text.startsWith('MZ') && !text.startsWith('\x7fELF'));
        expect(bytesMatchType('text/csv', new Uint8Array(Buffer.from(text, 'utf8')))).toBe(true);
      }),
    );
  });
});

/** The parts of a Content-Disposition as attachmentDisposition writes it. */
function parseDisposition(header: string) {
  const match = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''(.*)$/.exec(header);
  expect(match, header).not.toBeNull();
  return { fallback: match?.[1] ?? '', extValue: match?.[2] ?? '' };
}
/** RFC 5987 ext-value characters: attr-char or a percent-encoded byte. */
const EXT_VALUE = /^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})*$/;

describe('attachmentDisposition', () => {
  it('gives a plain ASCII name as it is, twice', () => {
    expect(attachmentDisposition('rapport-2026.pdf')).toBe(
      `attachment; filename="rapport-2026.pdf"; filename*=UTF-8''rapport-2026.pdf`,
    );
  });

  it('keeps quotes and backslashes out of the quoted fallback, and encodes them in filename*', () => {
    const header = attachmentDisposition('le "bilan"\\final.pdf');
    expect(header).toBe(
      `attachment; filename="le _bilan__final.pdf"; filename*=UTF-8''le%20%22bilan%22%5Cfinal.pdf`,
    );
  });

  it('neutralises a parameter injection in the name', () => {
    const { fallback, extValue } = parseDisposition(attachmentDisposition('a.txt"; filename="evil.exe'));
    expect(fallback).toBe('a.txt_; filename=_evil.exe');
    expect(decodeURIComponent(extValue)).toBe('a.txt"; filename="evil.exe');
    expect(extValue).not.toMatch(/["; ]/);
  });

  it('percent-encodes apostrophes and parentheses, which RFC 5987 does not allow bare', () => {
    const { fallback, extValue } = parseDisposition(attachmentDisposition("L'état (v2)*.pdf"));
    expect(extValue).toBe('L%27%C3%A9tat%20%28v2%29%2A.pdf');
    expect(fallback).toBe("L'_tat (v2)*.pdf");
  });

  it('encodes non-ASCII letters as UTF-8 and replaces them in the fallback', () => {
    expect(attachmentDisposition('Compte rendu – réunion.pdf')).toBe(
      `attachment; filename="Compte rendu _ r_union.pdf"; filename*=UTF-8''Compte%20rendu%20%E2%80%93%20r%C3%A9union.pdf`,
    );
  });

  it('encodes emoji as their four UTF-8 bytes', () => {
    const { fallback, extValue } = parseDisposition(attachmentDisposition('📎 pièce 🎉.png'));
    expect(extValue).toBe('%F0%9F%93%8E%20pi%C3%A8ce%20%F0%9F%8E%89.png');
    expect(fallback).toMatch(/^[\x20-\x7e]+\.png$/);
  });

  it('keeps path separators inert: encoded in filename*, given back as they were', () => {
    const { extValue } = parseDisposition(attachmentDisposition('../../etc/passwd'));
    expect(extValue).toBe('..%2F..%2Fetc%2Fpasswd');
  });

  it('always yields a header value of printable ASCII that decodes back to the name (well-formed Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 255 }), (name) => {
        const header = attachmentDisposition(name);
        expect(header).toMatch(/^[\x20-\x7e]*$/);
        const { fallback, extValue } = parseDisposition(header);
        expect(extValue).toMatch(EXT_VALUE);
        expect(decodeURIComponent(extValue)).toBe(name);
        expect(fallback).not.toMatch(/["\\]/);
      }),
    );
  });

  it('does not throw on a name holding a lone surrogate', () => {
    expect(() => attachmentDisposition('rapport \ud800.pdf')).not.toThrow();
  });
});

describe('NewDocumentSchema', () => {
  const valid = { kind: 'piece_jointe', filename: 'bilan.pdf', contentType: 'application/pdf', size: 1024 };
  const paths = (input: unknown) =>
    NewDocumentSchema.safeParse(input).error?.issues.map((i) => i.path.join('.'));

  it('accepts a valid request', () => {
    expect(NewDocumentSchema.safeParse(valid)).toEqual({ success: true, data: valid });
  });

  it.each([
    [0, false],
    [1, true],
    [20 * MIB - 1, true],
    [20 * MIB, true],
    [20 * MIB + 1, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('size %d: accepted %s', (size, accepted) => {
    expect(MAX_DOCUMENT_BYTES).toBe(20 * MIB);
    expect(NewDocumentSchema.safeParse({ ...valid, size }).success).toBe(accepted);
    if (!accepted) expect(paths({ ...valid, size })).toEqual(['size']);
  });

  it('refuses a size given as a string', () => {
    expect(paths({ ...valid, size: '1024' })).toEqual(['size']);
  });

  it.each([
    ['NUL', 'rapport\u0000.pdf'],
    ['line feed', 'rapport\n.pdf'],
    ['carriage return and line feed', 'a.pdf\r\nX-Injected: 1'],
    ['tab', 'rapport\t.pdf'],
    ['escape', '\u001b[31mrapport.pdf'],
    ['DEL', 'rapport\u007f.pdf'],
  ])('refuses a filename with a control character (%s)', (_, filename) => {
    expect(paths({ ...valid, filename })).toEqual(['filename']);
  });

  it('trims the filename, refuses a blank one, and allows at most 255 characters (code points)', () => {
    expect(NewDocumentSchema.parse({ ...valid, filename: '  bilan.pdf  ' }).filename).toBe('bilan.pdf');
    expect(paths({ ...valid, filename: '   ' })).toEqual(['filename']);
    expect(NewDocumentSchema.safeParse({ ...valid, filename: `${'é'.repeat(251)}.pdf` }).success).toBe(true);
    expect(paths({ ...valid, filename: `${'é'.repeat(252)}.pdf` })).toEqual(['filename']);
    // An emoji is one character but two UTF-16 units: 251 of them and ".pdf" make 255 characters.
    expect(NewDocumentSchema.safeParse({ ...valid, filename: `${'📎'.repeat(251)}.pdf` }).success).toBe(true);
    expect(paths({ ...valid, filename: `${'📎'.repeat(252)}.pdf` })).toEqual(['filename']);
  });

  it('accepts names that are only metadata: traversal, emoji, quotes', () => {
    for (const filename of [
      '../../etc/passwd.pdf',
      '📎 réunion 🎉.pdf',
      `L'état "final".pdf`,
      'C:\\temp\\a.pdf',
    ]) {
      expect(NewDocumentSchema.parse({ ...valid, filename }).filename).toBe(filename);
    }
  });

  it('refuses a type outside the allow-list, an unknown kind and unknown fields', () => {
    expect(paths({ ...valid, contentType: 'application/x-msdownload' })).toEqual(['contentType']);
    expect(paths({ ...valid, kind: 'facture' })).toEqual(['kind']);
    expect(NewDocumentSchema.safeParse({ ...valid, key: 'centres/x/evil' }).success).toBe(false);
  });

  it('refuses a filename that is not well-formed Unicode (lone surrogate)', () => {
    expect(paths({ ...valid, filename: 'rapport \udc00.pdf' })).toEqual(['filename']);
  });

  it.each([
    ['right-to-left override (facture\u202Efdp.exe shows as factureexe.pdf)', 'facture\u202Efdp.exe'],
    ['right-to-left override before a valid extension', 'rapport\u202E.pdf'],
    ['left-to-right embedding', 'a\u202Ab.pdf'],
    ['pop directional formatting', 'a\u202Cb.pdf'],
    ['right-to-left isolate', 'a\u2067b.pdf'],
    ['pop directional isolate', 'a\u2069b.pdf'],
    ['right-to-left mark', 'a\u200Fb.pdf'],
    ['left-to-right mark', 'a\u200Eb.pdf'],
    ['Arabic letter mark', 'a\u061Cb.pdf'],
  ])('refuses a filename with a bidirectional control character: %s, with one error', (_, filename) => {
    expect(paths({ ...valid, filename })).toEqual(['filename']);
  });

  it('keeps right-to-left letters, which are text and not controls', () => {
    expect(NewDocumentSchema.safeParse({ ...valid, filename: 'تقرير المركز.pdf' }).success).toBe(true);
  });

  it.each([
    ['application/pdf', ['a.pdf', 'A.PDF', 'rapport.v2.Pdf']],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['a.docx', 'A.DOCX']],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['budget.xlsx']],
    ['application/vnd.oasis.opendocument.text', ['a.odt']],
    ['application/vnd.oasis.opendocument.spreadsheet', ['a.ods']],
    ['text/csv', ['a.csv', 'A.CSV']],
    ['text/plain', ['lisez-moi.txt']],
    ['image/png', ['photo.png']],
    ['image/jpeg', ['photo.jpg', 'photo.jpeg', 'PHOTO.JPG']],
  ])('accepts the extensions of %s, in any case', (contentType, names) => {
    for (const filename of names) {
      expect(NewDocumentSchema.safeParse({ ...valid, contentType, filename }).success, filename).toBe(true);
    }
  });

  it.each([
    ['an HTML application as text', 'lisez-moi.hta', 'text/plain'],
    ['an executable as a PDF', 'facture.exe', 'application/pdf'],
    ['a PDF as a PNG', 'photo.pdf', 'image/png'],
    ['a double extension ending in the wrong one', 'facture.pdf.exe', 'application/pdf'],
    ['no extension', 'facture', 'application/pdf'],
    ['a trailing dot', 'facture.pdf.', 'application/pdf'],
    ['an extension hidden in a path', 'a.pdf/evil', 'application/pdf'],
    ['a DOCX named .doc', 'a.doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['a JPEG named .jpe', 'photo.jpe', 'image/jpeg'],
  ])('refuses %s: the extension does not fit the type, one error on filename', (_, filename, contentType) => {
    const issues = NewDocumentSchema.safeParse({ ...valid, filename, contentType }).error?.issues;
    expect(issues?.map((i) => i.path.join('.'))).toEqual(['filename']);
    expect(issues?.[0]?.message).toContain(contentType);
  });

  it('checks the extension after trimming, and only against a type that is allowed', () => {
    expect(NewDocumentSchema.safeParse({ ...valid, filename: '  bilan.pdf  ' }).success).toBe(true);
    expect(paths({ ...valid, filename: 'page.html', contentType: 'text/html' })).toEqual(['contentType']);
  });
});
