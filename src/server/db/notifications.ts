import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What a listener hears on one channel, and whether it can be sure to hear everything. */
export type NotificationHandlers = {
  notified(payload: string): void;
  /** LISTEN is in place: every notification committed from now on will be delivered. */
  listening(): void;
  /** The connection is lost: notifications committed until the next `listening` may never arrive. */
  interrupted(error: Error): void;
};

export type NotificationListener = { close(): Promise<void> };

/** Reconnection delays: doubling from 100 ms to 5 s, each with up to half of it taken off at random (instances do not retry in step). */
const retryDelays = { minMs: 100, maxMs: 5_000 };

/** Names this connection in `pg_stat_activity`, apart from the pool's. */
export const listenerApplicationName = 'jobready-listener';

/**
 * LISTENs on a connection of its own, outside the pool: PostgreSQL delivers notifications to the
 * session that listens, and a pooled connection is lent to anyone. When PostgreSQL ends that
 * connection (a restart, a failover, `pg_terminate_backend`, a pooler closing it), the handlers are
 * told and it connects again, backing off, until `close`. Resolves after the first attempt, connected or not.
 */
export async function listenOnPostgres(
  connection: pg.ClientConfig,
  channel: string,
  handlers: NotificationHandlers,
): Promise<NotificationListener> {
  let current: pg.Client | undefined;
  let closed = false;
  let failedAttempts = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  function retryLater() {
    const ceiling = Math.min(retryDelays.maxMs, retryDelays.minMs * 2 ** failedAttempts);
    failedAttempts += 1;
    retryTimer = setTimeout(
      () => {
        attempt = connect();
      },
      ceiling * (0.5 + Math.random() / 2),
    );
    retryTimer.unref();
  }

  async function connect() {
    retryTimer = undefined;
    const client = new pg.Client({ ...connection, application_name: listenerApplicationName });
    let lost = false;
    const lose = (error: Error) => {
      if (lost) return;
      lost = true;
      if (current === client) current = undefined;
      client.end().catch(() => {}); // already broken: its goodbye may fail too
      if (closed) return;
      handlers.interrupted(error);
      retryLater();
    };
    // Kept for the client's whole life: an 'error' event with no listener would end the process.
    client.on('error', lose);
    client.on('end', () => lose(new Error('The notification connection ended.')));
    client.on('notification', (message) => {
      if (message.channel === channel) handlers.notified(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      lose(error as Error);
      return;
    }
    if (lost) return;
    if (closed) {
      await client.end();
      return;
    }
    current = client;
    failedAttempts = 0;
    handlers.listening();
  }

  attempt = connect();
  await attempt;
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await attempt; // an attempt under way ends its own connection once it sees `closed`
      await current?.end();
    },
  };
}

/** PGlite is one in-process connection: it cannot be cut off, so it listens once and for good. */
export async function listenOnPglite(client: PGlite, channel: string, handlers: NotificationHandlers): Promise<NotificationListener> {
  const unlisten = await client.listen(channel, (payload) => handlers.notified(payload));
  handlers.listening();
  return { close: () => unlisten() };
}
