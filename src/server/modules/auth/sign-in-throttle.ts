import type { Database } from '../../db/database.ts';
import { clearSignInAttempts, countSignInAttempt, deleteEndedSignInWindows, uncountSignInAttempt } from './auth.repository.ts';

export type SignInLimits = { maxPerEmail: number; maxPerAddress: number; windowSeconds: number };

/** Keys are bounded (the email comes from the request body): longer emails do not exist. */
const emailKey = (email: string) => `email:${email.toLowerCase().slice(0, 320)}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * Limits sign-in attempts per email and per client address in PostgreSQL, so that every server
 * process counts the same attempts (decision 022). An attempt is counted before the password is
 * checked, so that attempts racing each other, on any process, cannot all slip under the limit;
 * once answered it is kept if it failed and given back otherwise.
 */
export function createSignInThrottle(db: Database, limits: SignInLimits) {
  return {
    /**
     * Counts an attempt. When a limit is reached it is given back at once and `retryAfterSeconds`
     * says how long to wait; otherwise `settle` must be called with the answer's status.
     */
    async attempt(email: string, address: string) {
      const keys = [emailKey(email), addressKey(address)];
      const counted = await countSignInAttempt(db, keys, limits.windowSeconds);
      const limitOf = (key: string) => (key === keys[0] ? limits.maxPerEmail : limits.maxPerAddress);
      const overLimit = counted.filter((row) => row.attempts > limitOf(row.key));
      const giveBack = (...given: string[]) =>
        uncountSignInAttempt(
          db,
          counted.filter((row) => given.includes(row.key)),
        );
      if (overLimit.length > 0) {
        await giveBack(...keys);
        return { retryAfterSeconds: Math.max(1, ...overLimit.map((row) => row.secondsLeft)), settle: async () => {} };
      }
      return {
        retryAfterSeconds: 0,
        /** 401 counts as a failure; a success clears the email's count; anything else was no guess. */
        async settle(status: number) {
          if (status === 401) return;
          if (status < 200 || status >= 300) return giveBack(...keys);
          await clearSignInAttempts(db, [keys[0]!]);
          await giveBack(keys[1]!);
        },
      };
    },

    /** Deletes the counts whose window has ended; returns how many. */
    sweep: () => deleteEndedSignInWindows(db),

    /** Sweeps every `intervalMs` until the returned function is called. */
    sweepEvery(intervalMs: number, onError: (error: unknown) => void) {
      const timer = setInterval(() => void deleteEndedSignInWindows(db).catch(onError), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
