import { describe, expect, it } from 'vitest';
import { fingerprintOf } from './import-engine.ts';
import { uuidV5 } from './uuid-v5.ts';
import { objectKeyOf } from './videos.ts';

describe('uuidV5', () => {
  it('gives RFC 9562’s example: the DNS namespace and www.example.com', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('objectKeyOf', () => {
  it('takes the key within the bucket from a Supabase Storage URL, decoded', () => {
    expect(
      objectKeyOf('https://abc.supabase.co/storage/v1/object/public/expert-session-videos-public/expert-sessions/s1/resume%20writing.mp4'),
    ).toBe('expert-sessions/s1/resume writing.mp4');
    expect(objectKeyOf('https://abc.supabase.co/storage/v1/object/sign/videos/products/p1/expert-sessions/a.mp4?token=x')).toBe(
      'products/p1/expert-sessions/a.mp4',
    );
  });

  it('keeps the path of any other URL, and a bare path', () => {
    expect(objectKeyOf('https://pub-0123.r2.dev/expert-sessions/s1/talk.mp4')).toBe('expert-sessions/s1/talk.mp4');
    expect(objectKeyOf('/expert-sessions/s1/talk.mp4')).toBe('expert-sessions/s1/talk.mp4');
  });
});

describe('fingerprintOf', () => {
  it('depends on the values, not on the order of their keys', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2], d: null } })).toBe(fingerprintOf({ b: { d: null, c: [1, 2] }, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});
