// Which containers a file's first bytes announce: the server judges uploads by them, and the web app
// checks a chosen file the same way before sending a byte of it. No Node or DOM APIs: both import it.

export type VideoMediaType = 'video/mp4' | 'video/webm' | 'video/quicktime';

/** Enough leading bytes to recognise the container (an EBML header names its doc type within a few dozen). */
export const sniffBytes = 64;

/** The first box of an MP4 (`ftyp`) or of a QuickTime movie (older ones start with another top-level atom). */
const firstBoxTypes = ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'];
const ebmlMagic = [0x1a, 0x45, 0xdf, 0xa3];

const latin1 = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
const startsLikeEbml = (head: Uint8Array) => ebmlMagic.slice(0, head.length).every((byte, index) => head[index] === byte);

/** The container, recognised from the file's first bytes rather than from what the client claims. */
export function sniffVideoType(head: Uint8Array): VideoMediaType | undefined {
  const boxType = latin1(head, 4, 8);
  if (boxType === 'ftyp') return latin1(head, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
  if (firstBoxTypes.includes(boxType)) return 'video/quicktime';
  if (head.length >= 4 && startsLikeEbml(head) && latin1(head, 4, sniffBytes).includes('webm')) return 'video/webm';
  return undefined;
}

/**
 * Whether a file's first bytes, as far as they go, already rule out every container `sniffVideoType`
 * accepts. Fewer bytes than the sniff window may be the start of one (a box's size can be anything; a
 * WebM names its doc type a few dozen bytes in): such a beginning is judged when the whole file is.
 */
export function ruledOutAsVideo(head: Uint8Array): boolean {
  if (head.length >= sniffBytes) return sniffVideoType(head) === undefined;
  if (startsLikeEbml(head) || head.length <= 4) return false;
  const boxType = latin1(head, 4, 8);
  return !firstBoxTypes.some((type) => type.startsWith(boxType));
}
