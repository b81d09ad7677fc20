import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('keeps two connections to PostgreSQL per core and one more, unless DATABASE_POOL_SIZE says otherwise', () => {
    expect(loadConfig({}).databasePoolSize).toBe(2 * os.availableParallelism() + 1);
    expect(loadConfig({ DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
  });

  it('refuses a pool size that is not a whole number from 1 to 200, naming the setting', () => {
    for (const size of ['0', '2.5', 'many', '201']) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: size })).toThrow(/DATABASE_POOL_SIZE/);
    }
  });

  it('keeps at most 10 connections for upload locks, unless UPLOAD_LOCK_CONNECTIONS says otherwise (1 to 200)', () => {
    expect(loadConfig({}).uploads.lockConnections).toBe(10);
    expect(loadConfig({ UPLOAD_LOCK_CONNECTIONS: '25' }).uploads.lockConnections).toBe(25);
    for (const size of ['0', '2.5', 'many', '201']) {
      expect(() => loadConfig({ UPLOAD_LOCK_CONNECTIONS: size })).toThrow(/UPLOAD_LOCK_CONNECTIONS/);
    }
  });

  it('believes X-Forwarded-For from nobody unless TRUST_PROXY names the proxies or a hop count', () => {
    for (const nobody of [undefined, '', 'false', '0']) expect(loadConfig({ TRUST_PROXY: nobody }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,fd00::/8, loopback' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses a TRUST_PROXY that is neither addresses nor a hop count, and `true`, naming the entry', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true is not/);
    for (const entry of ['10.0.0.300', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/2', '-1']) {
      expect(() => loadConfig({ TRUST_PROXY: `10.0.0.1,${entry}` })).toThrow(`TRUST_PROXY: ${entry} is not`);
    }
  });

  it('sends mail only when SMTP_URL names an SMTP server, from MAIL_FROM or the public address', () => {
    expect(loadConfig({}).mail).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example:587', PUBLIC_URL: 'https://jobready.example' }).mail).toEqual({
      smtpUrl: 'smtp://mail.example:587',
      from: 'JobReady <no-reply@jobready.example>',
      retentionMs: 30 * 86_400_000,
    });
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example', MAIL_RETENTION_DAYS: '0.5' }).mail?.retentionMs).toBe(12 * 3600_000);
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example', MAIL_RETENTION_DAYS: '0' })).toThrow(/MAIL_RETENTION_DAYS/);
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example', MAIL_FROM: 'Programmes <team@jobready.example>' }).mail?.from).toBe(
      'Programmes <team@jobready.example>',
    );
    expect(() => loadConfig({ SMTP_URL: 'https://mail.example' })).toThrow(/SMTP_URL: must start with smtp/);
  });
});

describe('LOG_FORMAT', () => {
  it('is readable lines in development and JSON elsewhere, unless set', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('pretty');
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
  });
});
