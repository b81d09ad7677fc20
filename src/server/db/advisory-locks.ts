import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** A session-level advisory lock, held by a connection of its own until `release` (decision 041). */
export type HeldAdvisoryLock = {
  /** Aborted when another session asks for the lock (again and again, while it waits). */
  asked: AbortSignal;
  /** Aborted when this connection is lost: PostgreSQL has released the lock with the session. */
  lost: AbortSignal;
  /** Gives the lock up (nothing to give when it was lost) and the connection back. */
  release(): Promise<void>;
};

export type AdvisoryLocks = {
  /**
   * Takes the advisory lock `key` on a connection of its own. While another session holds it, tries
   * again every `retryMs`, each refusal asking the holder to let go (its `asked`); undefined once
   * `signal` aborts. Throws `LockConnectionsBusy` when every connection stayed lent out for the
   * connection timeout (5 s).
   */
  acquire(key: bigint, options: { signal: AbortSignal }): Promise<HeldAdvisoryLock | undefined>;
  close(): Promise<void>;
};

/**
 * Every lock connection stayed in use for as long as a request waits for one (`connectionTimeoutMillis`):
 * more lock holders at once than `maxConnections`, not a fault of the database's nor of the request's.
 */
export class LockConnectionsBusy extends Error {
  constructor(readonly maxConnections: number) {
    super(`All ${maxConnections} advisory lock connections stayed in use; none came free in time.`);
    this.name = 'LockConnectionsBusy';
  }
}

/** pg-pool's rejection of a `connect()` that waited in its queue (the pool full) until the connection timeout. */
const queueTimeoutMessage = 'timeout exceeded when trying to connect';

/** Names these connections in `pg_stat_activity`, apart from the pool's and the listener's. */
export const lockApplicationName = 'jobready-lock';

const retryMs = 50;

/**
 * A session that dies with its process (`kill -9`: the socket closes) ends at once and its locks with
 * it. One whose host vanished is found by PostgreSQL's keep-alive probes: idle 10 s, then every 5 s,
 * 3 unanswered — about 25 s, not the OS's default two hours (these are per-session settings).
 */
const serverKeepAlive = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3';

/** Where the holder of `key` hears that someone waits: its own session LISTENs there while it holds the lock. */
const channelOf = (key: bigint) => `advisory_lock_${key}`;

/** One try; a refusal asks the holder in the same statement (PostgreSQL evaluates only the CASE branch taken). */
const tryOrAsk = `select locked, case when not locked then pg_notify($2, '') end
  from pg_try_advisory_lock($1::bigint) as locked`;

/**
 * Advisory locks each held on a connection of a pool of their own (at most `maxConnections`, closed
 * after 10 s idle), apart from the request pool: a lock is held for as long as its holder works
 * (a whole upload request), and must go with its session, never be lent with a pooled connection.
 * The holder's session also LISTENs for those waiting, so it hears them exactly while it holds the lock.
 */
export function openAdvisoryLocks(connection: pg.ClientConfig, maxConnections: number): AdvisoryLocks {
  const pool = new pg.Pool({
    ...connection,
    options: [connection.options, serverKeepAlive].filter(Boolean).join(' '),
    application_name: lockApplicationName,
    max: maxConnections,
    idleTimeoutMillis: 10_000,
  });
  // An idle connection PostgreSQL closed holds nothing: the pool drops it.
  pool.on('error', () => {});

  return {
    async acquire(key, { signal }) {
      const channel = channelOf(key);
      const client = await pool.connect().catch((error: unknown) => {
        // A new connection that failed (PostgreSQL unreachable) rejects with its own error, kept as it is.
        throw error instanceof Error && error.message === queueTimeoutMessage ? new LockConnectionsBusy(maxConnections) : error;
      });
      const lost = new AbortController();
      const asked = new AbortController();
      const lose = (error?: Error) => lost.abort(error ?? new Error('The lock connection ended.'));
      const onEnd = () => lose();
      const onNotification = (message: pg.Notification) => {
        if (message.channel === channel) asked.abort();
      };
      // Listened to while the connection is out of the pool: an 'error' event with no listener would end the process.
      client.on('error', lose);
      client.on('end', onEnd);
      client.on('notification', onNotification);
      const giveBack = (destroy: boolean) => {
        client.off('error', lose);
        client.off('end', onEnd);
        client.off('notification', onNotification);
        client.release(destroy || lost.signal.aborted);
      };
      try {
        while (!signal.aborted) {
          const { rows } = await client.query<{ locked: boolean }>(tryOrAsk, [key.toString(), channel]);
          if (rows[0]?.locked) {
            await client.query(`listen ${client.escapeIdentifier(channel)}`);
            return {
              asked: asked.signal,
              lost: lost.signal,
              async release() {
                if (lost.signal.aborted) return giveBack(true);
                // One round trip (a bigint is safe as a literal); a connection whose unlock failed may
                // still hold the lock: it is closed, not pooled.
                const unlocked = await client
                  .query(`unlisten ${client.escapeIdentifier(channel)}; select pg_advisory_unlock(${key}::bigint) as ok`)
                  .then(
                    (results) => (results as unknown as pg.QueryResult<{ ok: boolean }>[])[1]?.rows[0]?.ok === true,
                    () => false,
                  );
                giveBack(!unlocked);
              },
            };
          }
          await sleep(retryMs, undefined, { signal }).catch(() => {});
        }
      } catch (error) {
        giveBack(true);
        throw error;
      }
      giveBack(false);
      return undefined;
    },
    close: () => pool.end(),
  };
}
