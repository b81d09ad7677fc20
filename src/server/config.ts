import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { assessPassword } from './modules/passwords/password-policy.ts';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).optional(),
  AUTH_SECRET: z.string().min(32).optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  ADMIN_NAME: z.string().default('Administrator'),
  SEED_DEMO: booleanFlag.optional(),
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: booleanFlag.default(true),
  MAX_VIDEO_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: z.coerce.number().positive().default(24),
  UPLOAD_LOCK_CONNECTIONS: z.coerce.number().int().min(1).max(200).default(10),
  SESSION_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  TRUST_PROXY: z.string().optional(),
  SMTP_URL: z
    .string()
    .url()
    .refine((url) => /^smtps?:$/.test(new URL(url).protocol), 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_RETENTION_DAYS: z.coerce.number().positive().default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads the process environment once; every setting the server knows is named here. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env) {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const { problem } = assessPassword(env.ADMIN_PASSWORD, { email: env.ADMIN_EMAIL, name: env.ADMIN_NAME });
    if (problem) throw new Error(`Invalid configuration:\n  ADMIN_PASSWORD: too easy to guess. ${problem}`);
  }
  const isProduction = env.NODE_ENV === 'production';
  const dataDir = path.resolve(env.DATA_DIR);
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  return {
    isProduction,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE ?? defaultPoolSize(),
    authSecret: env.AUTH_SECRET,
    sessionCacheMs: env.SESSION_CACHE_SECONDS * 1000,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bootstrapAdmin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, name: env.ADMIN_NAME } : undefined,
    seedDemo: env.SEED_DEMO ?? !isProduction,
    storage:
      env.STORAGE_DRIVER === 's3'
        ? {
            driver: 's3' as const,
            bucket: requireSetting(env.S3_BUCKET, 'S3_BUCKET'),
            region: env.S3_REGION,
            endpoint: env.S3_ENDPOINT,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
          }
        : { driver: 'local' as const, directory: path.join(dataDir, 'storage') },
    uploads: {
      directory: path.join(dataDir, 'uploads'),
      maxVideoBytes: env.MAX_VIDEO_BYTES,
      expiryMs: env.UPLOAD_EXPIRY_HOURS * 3600_000,
      /** PostgreSQL connections kept for the locks of tus requests in flight, at most (decision 041); one more at once waits 5 s, then 503. */
      lockConnections: env.UPLOAD_LOCK_CONNECTIONS,
    },
    /** Mail goes out only when an SMTP server is named (decision 033). */
    mail: env.SMTP_URL
      ? {
          smtpUrl: env.SMTP_URL,
          from: env.MAIL_FROM ?? `JobReady <no-reply@${new URL(publicUrl).hostname}>`,
          /** Sent and skipped mail is deleted this long after it settled. */
          retentionMs: env.MAIL_RETENTION_DAYS * 86_400_000,
        }
      : undefined,
    logLevel: env.LOG_LEVEL,
    // Readable lines for a person running it; JSON for log collectors and tests.
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
  };
}

/** Two connections per core and one more (decision 017): PostgreSQL runs no more queries at once than it has cores. */
function defaultPoolSize() {
  return 2 * os.availableParallelism() + 1;
}

/**
 * Whose `X-Forwarded-For` is believed (decision 022; app.ts hands it to Fastify): nobody (unset, empty,
 * `false` or `0`), a hop count, or the proxies' addresses and CIDR ranges (and proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`). `true` is refused: any client could then name its address.
 */
function parseTrustProxy(value: string | undefined): false | number | string[] {
  const setting = value?.trim() ?? '';
  if (setting === '' || setting === 'false' || setting === '0') return false;
  if (/^\d+$/.test(setting)) return Number(setting);
  const entries = setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !isProxyAddress(entry));
  if (invalid.length > 0) {
    throw new Error(
      `Invalid configuration:\n  TRUST_PROXY: ${invalid.join(', ')} is not an address, a CIDR range or a hop count` +
        (invalid.includes('true') ? ' (trusting every address would let any client choose its own)' : ''),
    );
  }
  return entries;
}

const proxyAddressNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string) {
  if (proxyAddressNames.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new Error(`Invalid configuration:\n  ${name}: required when STORAGE_DRIVER=s3`);
  return value;
}
