import fs from 'node:fs';

/**
 * The committed sample MP4 (4 s) grown by `paddingBytes` with a trailing `free` box, which players
 * and ffprobe skip: a real video of any size.
 */
export function paddedSampleMp4(paddingBytes: number) {
  const sample = fs.readFileSync(new URL('../fixtures/sample.mp4', import.meta.url));
  const padding = Buffer.alloc(paddingBytes);
  padding.writeUInt32BE(paddingBytes, 0);
  padding.write('free', 4, 'latin1');
  // Different bytes in every 4 KiB, so that a piece stored at the wrong offset cannot compare equal.
  for (let offset = 8; offset + 4 <= paddingBytes; offset += 4096) padding.writeUInt32BE(offset, offset);
  return Buffer.concat([sample, padding]);
}
