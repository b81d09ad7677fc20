import crypto from 'node:crypto';
import { ERRORS, type Lock, type Locker, MemoryLocker, type RequestRelease } from '@tus/server';
import { type AdvisoryLocks, type HeldAdvisoryLock, LockConnectionsBusy } from '../../../db/advisory-locks.ts';
import type { DatabaseConnection } from '../../../db/database.ts';
import { isDatabaseUnavailable } from '../../../db/errors.ts';

export type UploadLocker = Locker & { close(): Promise<void> };

/** How long a request waits for an upload before tus answers 500 (MemoryLocker's default too). */
const acquireTimeoutMs = 30_000;

/**
 * tus's way to refuse (status and text), for a request that found every lock connection of this
 * instance in use (`UPLOAD_LOCK_CONNECTIONS`, one per tus request in flight: an upload's PATCH holds
 * it for its whole body) for the 5 s it waits for one. 503: the server is overloaded for a moment;
 * tus-js-client retries any 5xx (and 409, 423; not 429) after its `retryDelays`, from the offset
 * the server holds. Answered `uploads.overloaded` with `Retry-After` (resumable-uploads.ts).
 */
export const lockConnectionsBusy = { status_code: 503, body: 'Every upload lock connection is in use\n' };

/**
 * tus's way to refuse (status and text), for a request that could not reach PostgreSQL: its upload's
 * lock connection, new or in use, refused, cut or timed out, or a read of its own on the request pool
 * (`isDatabaseUnavailable`). 503, as the API answers a database that cannot be reached: answered
 * `server.database_unavailable` with `Retry-After` (resumable-uploads.ts), the cause logged.
 */
export class DatabaseUnreachable extends Error {
  static readonly body = 'The database cannot be reached\n';
  readonly status_code = 503;
  readonly body = DatabaseUnreachable.body;
  constructor(cause: unknown) {
    super('PostgreSQL could not be reached for an upload request.', { cause });
    this.name = 'DatabaseUnreachable';
  }
}

/** `error` as tus's 503 when it is PostgreSQL that could not be reached; otherwise as it is. */
export function refusedIfUnreachable(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? new DatabaseUnreachable(error) : error;
}

/** The advisory lock key of an upload (by its store id): 64 bits of a hash, so that two uploads never share one. */
export function uploadLockKey(id: string) {
  return crypto.createHash('sha256').update(`tus-upload:${id}`).digest().readBigInt64BE(0);
}

/**
 * tus's lock of one upload across every instance (decision 041): on PostgreSQL an advisory lock held
 * by a connection of its own for the request's life, gone with that connection if its process dies.
 * A request that finds the upload held asks the holder to let go, as MemoryLocker calls
 * `requestRelease` (tus then stops the holder after its drain timeout, 3 s), and tries again until it
 * has the lock, `acquireTimeoutMs` passes or its own request stops. On PGlite, tus's MemoryLocker:
 * one process has the database (the data-dir lock).
 */
export function createUploadLocker(database: DatabaseConnection, lockConnections: number): UploadLocker {
  const locks = database.openAdvisoryLocks(lockConnections);
  if (!locks) {
    const memory = new MemoryLocker({ acquireLockTimeout: acquireTimeoutMs });
    return { newLock: (id) => memory.newLock(id), close: async () => {} };
  }
  return { newLock: (id) => new AdvisoryUploadLock(id, locks), close: () => locks.close() };
}

class AdvisoryUploadLock implements Lock {
  private held?: HeldAdvisoryLock;

  constructor(
    private readonly id: string,
    private readonly locks: AdvisoryLocks,
  ) {}

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease) {
    const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(acquireTimeoutMs)]);
    const held = await this.locks.acquire(uploadLockKey(this.id), { signal }).catch((error: unknown) => {
      throw error instanceof LockConnectionsBusy ? lockConnectionsBusy : refusedIfUnreachable(error);
    });
    if (!held) throw ERRORS.ERR_LOCK_TIMEOUT;
    this.held = held;
    // The lock went with its connection: another request may take it, so this one stops as if asked.
    for (const signal of [held.asked, held.lost]) {
      // A waiter's NOTIFY may have come in with the answer to LISTEN, before this listener.
      if (signal.aborted) void requestRelease();
      else signal.addEventListener('abort', () => void requestRelease(), { once: true });
    }
  }

  async unlock() {
    if (!this.held) throw new Error('Releasing an unlocked lock!');
    const held = this.held;
    this.held = undefined;
    await held.release();
  }
}
