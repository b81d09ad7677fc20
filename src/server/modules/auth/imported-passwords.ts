import bcrypt from 'bcryptjs';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import type { Database } from '../../db/database.ts';
import { replacePasswordHash } from './auth.repository.ts';

const bcryptHash = /^\$2[aby]\$\d\d\$/;

/**
 * better-auth's password check, which also accepts the bcrypt hashes `npm run import` brings over
 * (Supabase's and passlib's). A bcrypt hash that matches is replaced at once by a hash in our own
 * format, so each imported password is checked with bcrypt at most once (decision 027).
 */
export function createPasswordVerifier(db: Database) {
  return async ({ hash, password }: { hash: string; password: string }) => {
    if (!bcryptHash.test(hash)) return verifyPassword({ hash, password });
    if (!(await bcrypt.compare(password, hash))) return false;
    await replacePasswordHash(db, hash, await hashPassword(password));
    return true;
  };
}
