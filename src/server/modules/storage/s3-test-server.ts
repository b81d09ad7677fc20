import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver, { type S3rverMiddleware } from 's3rver';
import S3Error from 's3rver/lib/models/error.js';

/** An S3-compatible server on loopback for tests, with one empty bucket; `env` configures the app for it. */
export async function startS3TestServer(bucket = 'videos') {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  // Before the router, which comes last.
  server.middleware.splice(server.middleware.length - 1, 0, multipartUploadQueries(server));
  const { port } = await server.run();
  const config = {
    bucket,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  return {
    config,
    env: {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: config.endpoint,
      S3_ACCESS_KEY_ID: config.accessKeyId,
      S3_SECRET_ACCESS_KEY: config.secretAccessKey,
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * ListParts and AbortMultipartUpload, which every S3 service has and s3rver lacks (it answers 405),
 * and which resumable uploads in the bucket rely on (@tus/s3-store reads an upload's offset from
 * its parts). They work on the part files s3rver's own UploadPart writes.
 */
function multipartUploadQueries(server: S3rver): S3rverMiddleware {
  return async (context, next) => {
    const uploadId = context.query.uploadId;
    const [, bucket, ...keyParts] = context.path.split('/');
    const isUploadQuery = uploadId && keyParts.length > 0 && context.query.partNumber === undefined;
    if (!isUploadQuery || !bucket || !['GET', 'DELETE'].includes(context.method)) return next();
    const key = decodeURIComponent(keyParts.join('/'));
    if (!/^[0-9a-f]+$/.test(uploadId)) throw noSuchUpload(uploadId);
    const uploadDirectory = path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const storedKey = await fsp.readFile(path.join(uploadDirectory, 'key'), 'utf8').catch(() => undefined);
    if (storedKey !== key) throw noSuchUpload(uploadId);
    if (context.method === 'DELETE') {
      await fsp.rm(uploadDirectory, { recursive: true, force: true });
      context.status = 204;
      return;
    }
    const numbers = (await fsp.readdir(uploadDirectory))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    const parts = await Promise.all(
      numbers.map(async (number) => {
        const file = path.join(uploadDirectory, String(number));
        const [stats, md5] = await Promise.all([fsp.stat(file), fsp.readFile(`${file}.md5`, 'utf8')]);
        return { PartNumber: number, LastModified: stats.mtime.toISOString(), ETag: `"${md5}"`, Size: stats.size };
      }),
    );
    context.body = {
      ListPartsResult: { Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 10000, IsTruncated: false, Part: parts },
    };
  };
}

const noSuchUpload = (uploadId: string) =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    {
      UploadId: uploadId,
    },
  );
