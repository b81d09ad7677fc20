import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruledOutAsVideo, sniffBytes, sniffVideoType } from './video-signature.ts';

const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url)));
const text = (value: string) => new TextEncoder().encode(value);

describe('video signatures', () => {
  it('recognise MP4, WebM and QuickTime by their first bytes', () => {
    expect(sniffVideoType(fixture('sample.mp4').subarray(0, sniffBytes))).toBe('video/mp4');
    expect(sniffVideoType(fixture('sample.webm').subarray(0, sniffBytes))).toBe('video/webm');
    expect(sniffVideoType(fixture('sample.mov').subarray(0, sniffBytes))).toBe('video/quicktime');
    expect(sniffVideoType(text('<!doctype html><title>clip.mp4</title>'.padEnd(80, ' ')))).toBeUndefined();
  });

  it('rule out what cannot begin a video, however few bytes there are, and never the start of one', () => {
    for (const name of ['sample.mp4', 'sample.webm', 'sample.mov']) {
      const video = fixture(name);
      for (let length = 0; length <= sniffBytes; length += 1)
        expect(ruledOutAsVideo(video.subarray(0, length)), `${name}, ${length} bytes`).toBe(false);
    }
    expect(ruledOutAsVideo(text('hello'))).toBe(true);
    expect(ruledOutAsVideo(text('<!doctype html>'))).toBe(true);
    expect(ruledOutAsVideo(text('x'))).toBe(false); // could be the first byte of a box size
    expect(ruledOutAsVideo(text('just some text, not a video at all, long enough to fill the sniff window'))).toBe(true);
    expect(ruledOutAsVideo(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, ...text('matroska'.padEnd(60, ' '))]))).toBe(true);
  });
});
