/**
 * Who made a recent request with a session token, kept for a few seconds so that a busy client's
 * next requests skip the session lookup (decision 007). A user is forgotten when PostgreSQL
 * announces a change to them or their sessions, made by any server process or by SQL (decision 023),
 * and at once by the process that made it. Nothing is kept or answered unless `trust` was called,
 * i.e. while those announcements are heard; `ttlMs` bounds what a missed one could cost.
 */
export type SessionCache<Actor extends { id: string }> = ReturnType<typeof createSessionCache<Actor>>;

export function createSessionCache<Actor extends { id: string }>({
  ttlMs,
  maxEntries = 10_000,
  now = Date.now,
}: {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}) {
  const entries = new Map<string, { actor: Actor; until: number }>();
  // Bumped by every `forgetUser`, `trust` and `distrust`: a lookup that started before it may have
  // read what was just changed (or what an announcement missed meanwhile), so its answer is used
  // once but not kept.
  let generation = 0;
  let trusted = false;

  return {
    /** The actor behind `token`, or undefined when unknown or older than `ttlMs`. */
    get(token: string): Actor | undefined {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (entry.until <= now()) {
        entries.delete(token);
        return undefined;
      }
      return entry.actor;
    },

    /** A mark to hand back to `remember`, taken before the lookup starts. */
    mark: () => generation,

    /** Keeps a looked-up actor until `ttlMs` from now or the session's own expiry, whichever is first. */
    remember(token: string, actor: Actor, sessionExpiresAt: Date, mark: number) {
      if (ttlMs <= 0 || !trusted || mark !== generation) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!); // the oldest
      entries.set(token, { actor, until: Math.min(now() + ttlMs, sessionExpiresAt.getTime()) });
    },

    /** After a change to the user or their sessions has committed. */
    forgetUser(userId: string) {
      generation += 1;
      for (const [token, entry] of entries) if (entry.actor.id === userId) entries.delete(token);
    },

    /** Changes are being announced from now on: actors may be kept. */
    trust() {
      generation += 1;
      trusted = true;
    },

    /** Announcements may be missed: forget everyone and keep no one until `trust`. */
    distrust() {
      generation += 1;
      trusted = false;
      entries.clear();
    },
  };
}
