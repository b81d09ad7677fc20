import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { renderMail } from './mail.messages.ts';
import * as repository from './mail.repository.ts';

/** Mails taken per claim, and how long a sender holds them (an SMTP server answers in seconds). */
const batchSize = 20;
const leaseSeconds = 5 * 60;
/** At most this many claims per run: a run ends, and the next poll carries on. */
const maxBatchesPerRun = 50;
/** Every instance looks for due mail this often: mail another instance queued, retries, a dead sender's. */
const pollMs = 30_000;
/** Every instance prunes old mail at start and this often; each statement deletes at most `pruneBatchSize` rows. */
const pruneEveryMs = 3600_000;
const pruneBatchSize = 1000;
/** Attempt n waits retryDelaysSeconds[n - 1] before the next; after the last, the mail has failed. */
const retryDelaysSeconds = [60, 5 * 60, 30 * 60, 2 * 3600];

/**
 * What the use cases queue, in their own transaction (decision 033); without SMTP_URL it queues
 * nothing. `kick` after the commit delivers at once instead of at the next poll.
 */
export type MailQueue = {
  readonly enabled: boolean;
  passwordReset(tx: Database, userId: string, params: { token: string; expires_at: string; issued_by?: string }): Promise<void>;
  mentorAssigned(tx: Database, mentorId: string, workletId: string): Promise<void>;
  /** The students who reach the session through `productIds` and did not through `previousProductIds`. */
  sessionPublished(tx: Database, sessionId: string, productIds: string[], previousProductIds: string[]): Promise<void>;
  kick(): void;
};

export type MailOutbox = MailQueue & {
  /** One delivery run (what a kick or a poll starts); resolves when it has ended. */
  deliverDue(): Promise<void>;
  /** Deletes mail sent or skipped more than MAIL_RETENTION_DAYS ago (the hourly run, or the one under way); resolves to how many. */
  prune(): Promise<number>;
  close(): Promise<void>;
};

const disabled: MailOutbox = {
  enabled: false,
  passwordReset: async () => {},
  mentorAssigned: async () => {},
  sessionPublished: async () => {},
  kick: () => {},
  deliverDue: async () => {},
  prune: async () => 0,
  close: async () => {},
};

/**
 * Sends the outbox's mail through `SMTP_URL`, on every instance: a claim gives each mail to one
 * sender at a time; a failure is retried (4xx, network) up to four times over about 2.5 hours or
 * fails at once (5xx), and is logged either way. A mail is sent at least once: a sender that dies
 * between the SMTP server's answer and recording it leaves the mail to be sent again.
 */
export function createMailOutbox(db: Database, config: Config, log: FastifyBaseLogger): MailOutbox {
  const settings = config.mail;
  if (!settings) return disabled;
  const transport = nodemailer.createTransport(settings.smtpUrl);
  let running: Promise<void> | undefined;
  let again = false;

  async function deliver(mail: repository.ClaimedMail) {
    const message = await renderMail(db, mail, config.publicUrl);
    if (!message) return repository.settle(db, mail.id, 'skipped');
    try {
      await transport.sendMail({ from: settings!.from, ...message });
      await repository.settle(db, mail.id, 'sent');
      log.info({ mail: mail.id, kind: mail.kind }, 'mail sent');
    } catch (error) {
      const reason = (error as Error).message.slice(0, 1000);
      const code = (error as { responseCode?: number }).responseCode;
      const delay = retryDelaysSeconds[mail.attempts - 1];
      if ((code && code >= 500) || delay === undefined) {
        await repository.settle(db, mail.id, 'failed', reason);
        log.error({ mail: mail.id, kind: mail.kind, attempts: mail.attempts, err: error }, 'mail could not be sent; given up');
      } else {
        await repository.retryLater(db, mail.id, delay, reason);
        log.warn(
          { mail: mail.id, kind: mail.kind, attempts: mail.attempts, retryInSeconds: delay, err: error },
          'mail could not be sent; will retry',
        );
      }
    }
  }

  async function run() {
    for (let batch = 0; batch < maxBatchesPerRun; batch++) {
      const claimed = await repository.claimDue(db, batchSize, leaseSeconds);
      for (const mail of claimed) await deliver(mail);
      if (claimed.length < batchSize) return;
    }
  }

  /** One run at a time; a kick during a run asks for one more after it (the mail it names may have come too late for this one). */
  function deliverDue(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = run()
      .catch((error) => log.error({ err: error }, 'delivering mail failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void deliverDue();
        }
      });
    return running;
  }

  async function deleteOldMail() {
    let deleted = 0;
    for (;;) {
      const batch = await repository.deleteSettledBefore(db, settings!.retentionMs / 1000, pruneBatchSize);
      deleted += batch;
      if (batch < pruneBatchSize) break;
    }
    if (deleted > 0) log.info({ deleted }, 'old sent mail removed from the outbox');
    return deleted;
  }

  /** One run at a time per process; other instances may prune at the same moment, each deleting rows the others have not locked. */
  let pruning: Promise<number> | undefined;
  function prune(): Promise<number> {
    pruning ??= deleteOldMail()
      .catch((error) => {
        log.error({ err: error }, 'pruning the mail outbox failed');
        return 0;
      })
      .finally(() => {
        pruning = undefined;
      });
    return pruning;
  }

  const timer = setInterval(() => void deliverDue(), pollMs).unref();
  const pruneTimer = setInterval(() => void prune(), pruneEveryMs).unref();
  void deliverDue();
  void prune();

  return {
    enabled: true,
    passwordReset: (tx, userId, params) => repository.enqueue(tx, 'password_reset', userId, params),
    mentorAssigned: (tx, mentorId, workletId) => repository.enqueue(tx, 'mentor_assigned', mentorId, { worklet_id: workletId }),
    sessionPublished: (tx, sessionId, productIds, previousProductIds) =>
      repository.enqueueSessionPublished(tx, sessionId, productIds, previousProductIds),
    kick: () => void deliverDue(),
    deliverDue,
    prune,
    async close() {
      clearInterval(timer);
      clearInterval(pruneTimer);
      again = false;
      await running;
      await pruning;
      transport.close();
    },
  };
}
