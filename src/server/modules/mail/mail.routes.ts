import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { errorResponses, iso, timestamp } from '../../http/schemas.ts';
import { allow } from '../auth/auth.guard.ts';
import { listUndelivered } from './mail.repository.ts';
import { mailKinds } from './mail.table.ts';

const undeliveredMail = z
  .object({
    id: z.uuid(),
    kind: z.enum(mailKinds),
    status: z
      .enum(['pending', 'failed'])
      .meta({ description: '`pending`: tried and to be tried again at `next_attempt_at`; `failed`: given up.' }),
    recipient: z.string(),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    next_attempt_at: timestamp.nullable(),
  })
  .meta({ id: 'UndeliveredMail' });

export function registerMailRoutes(app: AppInstance) {
  const { db, mail } = app.context;
  app.get(
    '/api/admin/mail/undelivered',
    {
      onRequest: allow('admin'),
      schema: {
        tags: ['Mail'],
        summary: 'Mail that could not be sent: being retried, or given up',
        description:
          'Newest first, at most 100. Mail goes out only when SMTP_URL is set (`enabled`); each is tried up to five times ' +
          'over about 2.5 hours (an SMTP 5xx answer gives up at once), and every failure is also logged.',
        response: { 200: z.object({ enabled: z.boolean(), mail: z.array(undeliveredMail) }), ...errorResponses },
      },
    },
    async () => {
      const rows = await listUndelivered(db, 100);
      return {
        enabled: mail.enabled,
        mail: rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          status: row.status === 'failed' ? ('failed' as const) : ('pending' as const),
          recipient: row.recipient,
          attempts: row.attempts,
          last_error: row.lastError,
          created_at: iso(row.createdAt),
          next_attempt_at: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
        })),
      };
    },
  );
}
