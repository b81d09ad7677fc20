import type { Database } from '../../db/database.ts';
import type { ClaimedMail } from './mail.repository.ts';
import * as repository from './mail.repository.ts';

export type Message = { to: string; subject: string; text: string };

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/**
 * The mail as it reads now, from its parameters and the current data; undefined when it no longer
 * has a reason to go (the person was disabled, the session hidden, the mentor taken off the worklet).
 */
export async function renderMail(db: Database, mail: ClaimedMail, publicUrl: string): Promise<Message | undefined> {
  const recipient = await repository.findRecipient(db, mail.userId);
  if (!recipient || recipient.banned) return undefined;
  const to = `"${recipient.name.replaceAll('"', '')}" <${recipient.email}>`;
  const hello = `Hello ${recipient.name},`;
  const signature = '— JobReady';

  switch (mail.kind) {
    case 'password_reset': {
      const { token, expires_at: expiresAt, issued_by: issuedBy } = mail.params;
      if (!token || !expiresAt) return undefined;
      // The token rides in the fragment, which browsers never send: no server log records it.
      const link = `${publicUrl}/reset-password#token=${token}`;
      const why = issuedBy
        ? `${issuedBy} of your programme team sent you this link to choose a new password for your JobReady account (${recipient.email}):`
        : `Someone, hopefully you, asked to reset the password of your JobReady account (${recipient.email}). Choose a new one here:`;
      return {
        to,
        subject: 'Choose a new JobReady password',
        text: [
          hello,
          '',
          why,
          '',
          link,
          '',
          `The link works once, until ${dateTime.format(new Date(expiresAt))} UTC.`,
          issuedBy ? '' : 'If you did not ask for it, ignore this email: your password stays as it is.',
          '',
          signature,
        ].join('\n'),
      };
    }
    case 'mentor_assigned': {
      const { worklet_id: workletId } = mail.params;
      const assignment = workletId ? await repository.findActiveAssignment(db, workletId, mail.userId) : undefined;
      if (!assignment) return undefined;
      return {
        to,
        subject: `You are a mentor of “${assignment.title}”`,
        text: [
          hello,
          '',
          `You were assigned as ${assignment.roleType} mentor of the worklet “${assignment.title}” (${assignment.certId}).`,
          '',
          `Your worklets: ${publicUrl}/mentor/worklets`,
          '',
          signature,
        ].join('\n'),
      };
    }
    case 'session_published': {
      const { session_id: sessionId } = mail.params;
      const session = sessionId ? await repository.findPublishedSession(db, sessionId) : undefined;
      if (!session) return undefined;
      return {
        to,
        subject: `New in your programme: “${session.title}”`,
        text: [
          hello,
          '',
          `A new expert session is waiting for you in your programme: “${session.title}”.`,
          '',
          `Watch it: ${publicUrl}/learn/expert-sessions/${session.id}`,
          '',
          signature,
        ].join('\n'),
      };
    }
  }
}
