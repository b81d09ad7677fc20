import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ByteRange, Storage } from './storage.ts';

/** The largest object one CopyObject may copy (S3's limit, followed by R2 and MinIO). */
const copyObjectLimitBytes = 5 * 1024 ** 3;

export type S3StorageConfig = {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
};

/** The S3 client settings of a bucket, for this driver and for the resumable uploads kept in the same bucket. */
export function s3ClientConfig(config: S3StorageConfig): S3ClientConfig {
  return {
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    // The SDK's default checksums frame streamed bodies as aws-chunked, which several
    // S3-compatible servers store verbatim (a corrupted object); checksum only where required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * Objects in one S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Supabase Storage's S3 endpoint).
 * `copyLimitBytes` is the size above which a copy streams through the app instead (tests lower it).
 */
export function createS3Storage(config: S3StorageConfig, { copyLimitBytes = copyObjectLimitBytes } = {}): Storage {
  const client = new S3Client(s3ClientConfig(config));
  const Bucket = config.bucket;

  async function upload(key: string, body: Readable, contentType: string) {
    // Multipart upload in 8 MiB parts, at most 4 in flight: memory stays bounded whatever the size.
    await new Upload({
      client,
      params: { Bucket, Key: key, Body: body, ContentType: contentType },
      partSize: 8 * 1024 ** 2,
      queueSize: 4,
    }).done();
    const stats = await statObject(key);
    if (!stats) throw new Error(`The object ${key} is missing right after its upload.`);
    return { size: stats.size };
  }

  async function statObject(key: string) {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    driver: 's3',
    put: upload,
    async putFile(key, filePath, contentType) {
      const result = await upload(key, fs.createReadStream(filePath), contentType);
      await fsp.rm(filePath, { force: true });
      return result;
    },
    async copy(sourceKey, key, contentType) {
      const source = await statObject(sourceKey);
      if (!source) throw new Error(`The object ${sourceKey} to copy does not exist.`);
      if (source.size > copyLimitBytes) {
        const object = await this.get(sourceKey);
        if (!object) throw new Error(`The object ${sourceKey} to copy does not exist.`);
        return upload(key, object.stream, contentType);
      }
      await client.send(
        new CopyObjectCommand({
          Bucket,
          Key: key,
          CopySource: encodeURI(`${Bucket}/${sourceKey}`),
          MetadataDirective: 'REPLACE',
          ContentType: contentType,
        }),
      );
      return { size: source.size };
    },
    async get(key, range?: ByteRange) {
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        );
        const total = object.ContentRange?.split('/')[1];
        return {
          stream: object.Body as Readable,
          size: total ? Number(total) : (object.ContentLength ?? 0),
          contentType: object.ContentType ?? 'application/octet-stream',
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    stat: statObject,
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async *list(prefix) {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date() };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async signedUrl(key, expiresInSeconds) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
  };
}

function isMissing(error: unknown) {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}
