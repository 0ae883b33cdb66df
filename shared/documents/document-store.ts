import type { Readable } from 'node:stream';
import { LONE_SURROGATE } from './document.ts';

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
