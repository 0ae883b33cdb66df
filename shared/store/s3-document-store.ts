import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DocumentStore } from '../cases/ports.ts';
import { config } from '../config.ts';
import { attachmentDisposition } from '../domain/document.ts';

/** The documents bucket through the S3 API; with S3_ENDPOINT set (locally), path-style on s3rver. */
export function createS3DocumentStore(): DocumentStore {
  const { AWS_REGION, S3_ENDPOINT, BUCKET_NAME: Bucket } = config();
  const s3 = new S3Client({
    region: AWS_REGION,
    ...(S3_ENDPOINT && { endpoint: S3_ENDPOINT, forcePathStyle: true }),
  });
  return {
    async presignUpload({ key, contentType, maxBytes, expiresIn }) {
      return createPresignedPost(s3, {
        Bucket,
        Key: key,
        Fields: { 'Content-Type': contentType },
        Conditions: [
          ['content-length-range', 1, maxBytes],
          ['eq', '$Content-Type', contentType],
          ['eq', '$key', key],
        ],
        Expires: expiresIn,
      });
    },
    async copy(from, to) {
      try {
        // Keys are made of [a-z0-9/-] only (documentKey): no encoding needed in CopySource.
        const copied = await s3.send(
          new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${from}` }),
        );
        return copied.VersionId && copied.VersionId !== 'null' ? { versionId: copied.VersionId } : {};
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async head(key, versionId) {
      try {
        const head = await s3.send(
          new HeadObjectCommand({ Bucket, Key: key, ...(versionId && { VersionId: versionId }) }),
        );
        return {
          size: head.ContentLength ?? 0,
          ...(head.ContentType && { contentType: head.ContentType }),
          ...(head.VersionId && head.VersionId !== 'null' && { versionId: head.VersionId }),
        };
      } catch (error) {
        if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
        throw error;
      }
    },
    async read(key, versionId) {
      const { Body } = await s3.send(
        new GetObjectCommand({ Bucket, Key: key, ...(versionId && { VersionId: versionId }) }),
      );
      return Body as Readable;
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async presignDownload({ key, versionId, filename, expiresIn }) {
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ...(versionId && { VersionId: versionId }),
        ResponseContentDisposition: attachmentDisposition(filename),
      });
      return getSignedUrl(s3, command, { expiresIn });
    },
  };
}
