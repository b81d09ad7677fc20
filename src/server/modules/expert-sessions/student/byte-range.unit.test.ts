import { describe, expect, it } from 'vitest';
import { entityTagOf, parseByteRange, rangeApplies } from './byte-range.ts';

describe('parseByteRange', () => {
  it.each([
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=10-19', { start: 10, end: 19 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=95-500', { start: 95, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=20-10', undefined],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    [undefined, undefined],
  ] as const)('%s of 100 bytes → %j', (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });
});

describe('rangeApplies (If-Range, RFC 9110 §13.1.5)', () => {
  const tag = entityTagOf('expert-sessions/a/b.mp4', 100);
  it.each([
    ['no If-Range', undefined, true],
    ['the current entity tag', tag, true],
    ['the current entity tag, spaced', ` ${tag} `, true],
    ['the same tag marked weak', `W/${tag}`, false],
    ['another tag', '"another"', false],
    ['the tag without its quotes', tag.slice(1, -1), false],
    ['a date (no Last-Modified is sent)', 'Mon, 07 Dec 2026 10:00:00 GMT', false],
    ['an empty value', '', false],
  ] as const)('%s → %s', (_label, ifRange, expected) => {
    expect(rangeApplies(ifRange, tag)).toBe(expected);
  });
});

describe('entityTagOf', () => {
  it('is a strong tag that changes with the key or the size', () => {
    const tag = entityTagOf('expert-sessions/a/b.mp4', 100);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(entityTagOf('expert-sessions/a/b.mp4', 100)).toBe(tag);
    expect(entityTagOf('expert-sessions/a/c.mp4', 100)).not.toBe(tag);
    expect(entityTagOf('expert-sessions/a/b.mp4', 101)).not.toBe(tag);
  });
});
