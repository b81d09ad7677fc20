/**
 * Counts failed sign-ins per email and per client address in a sliding window; past the limit
 * further attempts are refused with a Retry-After. In-process memory: one server holds it
 * (a multi-server install would move it to Redis or the database).
 */
export function createSignInThrottle(options: { maxPerEmail: number; maxPerAddress: number; windowMs: number }) {
  const failures = new Map<string, number[]>();

  function recent(key: string, now: number) {
    const kept = (failures.get(key) ?? []).filter((time) => now - time < options.windowMs);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  }

  return {
    /** Seconds to wait before the next attempt, or 0 when it may go ahead. */
    retryAfterSeconds(email: string, address: string, now = Date.now()): number {
      const limits: Array<[string, number]> = [
        [`email:${email.toLowerCase()}`, options.maxPerEmail],
        [`address:${address}`, options.maxPerAddress],
      ];
      let wait = 0;
      for (const [key, max] of limits) {
        const times = recent(key, now);
        if (times.length >= max) wait = Math.max(wait, times[times.length - max]! + options.windowMs - now);
      }
      return Math.ceil(wait / 1000);
    },
    recordFailure(email: string, address: string, now = Date.now()) {
      for (const key of [`email:${email.toLowerCase()}`, `address:${address}`]) {
        failures.set(key, [...recent(key, now), now]);
      }
    },
    recordSuccess(email: string) {
      failures.delete(`email:${email.toLowerCase()}`);
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
