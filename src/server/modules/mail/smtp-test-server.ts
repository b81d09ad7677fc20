import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { to: string; subject: string; text: string };

/**
 * An SMTP server on loopback for tests: it keeps what it receives, or refuses recipients with the
 * code `refuseWith` names (4xx: try later, 5xx: never). `env` configures the app for it.
 */
export async function startSmtpTestServer() {
  const received: ReceivedMail[] = [];
  let refusal: { code: number; message: string } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const to = [mail.to ?? []].flat().flatMap((address) => address.value.map((entry) => entry.address ?? ''));
          for (const address of to) received.push({ to: address, subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'JobReady <no-reply@jobready.test>' },
    received,
    refuseWith(code: number | undefined, message = 'Refused by the test server') {
      refusal = code ? { code, message } : undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
