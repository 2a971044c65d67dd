import type { MediaMimeType } from '@streamhub/shared/api/media';

/** Bytes `sniffMediaType` needs to decide (the longest signature below ends at byte 12). */
export const sniffBytes = 12;

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && Buffer.from(text, 'latin1').every((b, i) => bytes[offset + i] === b);

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

/**
 * The media type from a file's first bytes (its magic number), never from the client's claims.
 * Signatures: PNG spec §5.2 (89 50 4E 47 0D 0A 1A 0A); JPEG (ITU-T T.81 Annex B, SOI FF D8 then a
 * marker FF); GIF89a spec §17 ("GIF87a"/"GIF89a"); WebP RIFF container ("RIFF" size "WEBP");
 * ISO/IEC 14496-12 §4.3 (a leading `ftyp` box: size, "ftyp", major brand; "qt  " is QuickTime);
 * EBML, RFC 8794 §8 (0x1A45DFA3; WebM and Matroska, which Chromium both plays as video/webm).
 */
export function sniffMediaType(head: Uint8Array): MediaMimeType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  if (ascii(head, 4, 'ftyp') && head.length >= 12) return ascii(head, 8, 'qt  ') ? 'video/quicktime' : 'video/mp4';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  return null;
}
