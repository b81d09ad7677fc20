import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseConnection } from '../../db/database.ts';
import type { Actor } from './auth.guard.ts';
import type { SessionCache } from './session-cache.ts';

/** Where PostgreSQL's triggers announce, on commit, each user whose cached sessions must go (migration 0019). */
const userChangedChannel = 'auth_user_changed';

/**
 * Evicts announced users from this process's session cache (decision 023). The cache is trusted only
 * while the announcements are heard: while the connection that hears them is down, every request
 * looks its session up, so a change made meanwhile on another process cannot be missed.
 */
export async function listenForRevocations(database: DatabaseConnection, sessions: SessionCache<Actor>, log: FastifyBaseLogger) {
  let interrupted = false;
  return database.listen(userChangedChannel, {
    notified: (userId) => sessions.forgetUser(userId),
    listening() {
      sessions.trust();
      if (interrupted) log.info('Session changes are heard again; recently seen sessions are kept again.');
      interrupted = false;
    },
    interrupted(error) {
      sessions.distrust();
      if (!interrupted) log.warn({ err: error }, 'Session changes cannot be heard; every request looks its session up until they can.');
      interrupted = true;
    },
  });
}
