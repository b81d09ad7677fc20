import crypto from 'node:crypto';
import type { ByteRange } from '../../storage/storage.ts';

/**
 * The one byte range a `Range` header asks of a `size`-byte object: `undefined` when the whole
 * object should be sent (no header, several ranges, or one that is malformed — RFC 9110 lets a
 * server ignore those), `'unsatisfiable'` when it starts beyond the end.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * The video's strong entity tag. The bytes under a storage key never change (a new video is stored
 * under a new random key), so the key and the size name them exactly; hashed, so the tag does not
 * tell where the file is kept.
 */
export function entityTagOf(storageKey: string, size: number) {
  return `"${crypto.createHash('sha256').update(`${storageKey}\n${size}`).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether a Range is to be honoured (RFC 9110 §13.1.5): always without `If-Range`; with one, only
 * when it names the current representation by its strong entity tag. A weak tag never matches;
 * nor does a date, as no `Last-Modified` is sent (clients given an entity tag send that). Otherwise
 * the whole video is sent, 200.
 */
export function rangeApplies(ifRange: string | undefined, entityTag: string) {
  return ifRange === undefined || ifRange.trim() === entityTag;
}
