import type { Config } from '../../config.ts';
import { createLocalStorage } from './local-storage.ts';
import { createS3Storage } from './s3-storage.ts';
import type { Storage } from './storage.ts';

/** The configured driver; the drivers import only the contract in storage.ts, not this choice. */
export function createStorage(config: Config['storage']): Storage {
  return config.driver === 'local' ? createLocalStorage(config.directory) : createS3Storage(config);
}
