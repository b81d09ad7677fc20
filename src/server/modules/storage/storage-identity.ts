import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { s3ClientConfig } from './s3-storage.ts';
import { recordStorageIdentity } from './storage.repository.ts';

/** The storage every instance on one database shares, as this instance found it at start (decision 020). */
export type StorageIdentity = {
  /** The same on every instance of one install. */
  value: string;
  /** What an operator reads: where the storage is, and what must be shared. */
  description: string;
  /** Throws when the storage no longer carries the identity (e.g. a shared mount went away). */
  verify(): Promise<void>;
};

/** A marker holding the identity, kept in the storage itself; `create` writes it only where there is none. */
type Marker = { location: string; read(): Promise<string | undefined>; create(identity: string): Promise<void> };

/**
 * Finds the identity marker in the storage and the identity recorded in the database, creating
 * whichever is missing on a first start, and refuses to go on when they differ: this instance's
 * storage is then not the one the other instances on this database use (decision 020).
 */
export async function ensureStorageIdentity(db: Database, config: Config): Promise<StorageIdentity> {
  const marker = markerOf(config);
  // The marker first, created only where there is none: of two instances started together, the
  // second finds the first's marker in a shared storage, and its own in a storage of its own.
  if ((await marker.read()) === undefined) await marker.create(crypto.randomUUID());
  const found = await marker.read();
  if (!found) throw new Error(`The storage identity marker ${marker.location} could not be read back after writing it.`);
  const recorded = await recordStorageIdentity(db, found);
  if (found !== recorded) throw new ForeignStorageError(marker.location, found, recorded, config.storage.driver);
  const description =
    config.storage.driver === 'local'
      ? `local directory ${config.dataDir} (storage/ and uploads/): every instance on this database must use this same directory, on a shared mount; instances on separate disks need STORAGE_DRIVER=s3`
      : `bucket ${config.storage.bucket}: shared by every instance on this database`;
  return {
    value: recorded,
    description,
    async verify() {
      const current = await marker.read();
      if (current !== recorded)
        throw new Error(
          `The storage identity marker ${marker.location} is ${current ? `now ${current}` : 'gone'}, not ${recorded}: this is no longer the storage shared by the instances on this database.`,
        );
    },
  };
}

export class ForeignStorageError extends Error {
  constructor(location: string, found: string, recorded: string, driver: 'local' | 's3') {
    super(
      `The storage this instance uses (marker ${location}: ${found}) is not the storage this database's videos and uploads are in (${recorded}). ` +
        'Every instance on one database must use one storage: STORAGE_DRIVER=s3 with the same bucket, or ' +
        (driver === 'local'
          ? 'the same DATA_DIR on a shared mount (NFS, EFS, a shared volume). '
          : 'the same DATA_DIR on a shared mount. ') +
        `If this storage holds the videos moved from the old one, put ${recorded} in ${location}; if the old videos are gone for good, run \`delete from storage_identity\` on the database and start again.`,
    );
    this.name = 'ForeignStorageError';
  }
}

function markerOf(config: Config): Marker {
  return config.storage.driver === 'local' ? fileMarker(path.join(config.dataDir, 'storage-identity')) : objectMarker(config.storage);
}

/** In the data directory itself (not in storage/): sharing only storage/ leaves the uploads behind, so it must not pass. */
function fileMarker(file: string): Marker {
  return {
    location: file,
    async read() {
      const text = await fsp.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      return text?.trim() || undefined;
    },
    async create(identity) {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(file, `${identity}\n`, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    },
  };
}

const markerKey = '.jobready-storage-identity';

function objectMarker(config: Extract<Config['storage'], { driver: 's3' }>): Marker {
  const client = new S3Client(s3ClientConfig(config));
  const Bucket = config.bucket;
  return {
    location: `s3://${Bucket}/${markerKey}`,
    async read() {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: markerKey }));
        return (await object.Body?.transformToString())?.trim() || undefined;
      } catch (error) {
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
        throw error;
      }
    },
    async create(identity) {
      try {
        // A conditional write: S3, R2 and MinIO refuse it (412) when the marker appeared meanwhile.
        await client.send(
          new PutObjectCommand({ Bucket, Key: markerKey, Body: `${identity}\n`, ContentType: 'text/plain', IfNoneMatch: '*' }),
        );
      } catch (error) {
        if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)) throw error;
      }
    },
  };
}
