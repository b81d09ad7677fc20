import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Fastify's two lines per request (received, completed) as one, once it is answered:
 * `GET /api/me 200 3 ms`, an error's details on the same line.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const line = `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)} ms`;
    if (error) reply.log.error({ err: error }, line);
    else reply.log.info(line);
  }
}

/**
 * The logger: JSON lines (production, tests, `LOG_FORMAT=json`) as Fastify writes them, or for a
 * person at a terminal one readable line per event and per request (`LOG_FORMAT=pretty`, the default
 * in development). pino-pretty is a development dependency, imported only then.
 */
export async function loggerOptions(config: Config): Promise<Pick<FastifyServerOptions, 'logger' | 'logController'>> {
  if (config.logLevel === 'silent') return { logger: false };
  if (config.logFormat === 'json') return { logger: { level: config.logLevel } };
  const { default: pretty } = await import('pino-pretty');
  const stream = pretty({
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
    // Written at once: a shutdown's last lines are not lost in a buffer.
    sync: true,
  });
  return { logger: { level: config.logLevel, stream }, logController: new OneLinePerRequest() };
}
