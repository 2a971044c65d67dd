/** One satisfiable byte range of a representation, both ends inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads a `Range` header against a file of `size` bytes (RFC 9110 §14.2): `undefined` means answer
 * the whole file (no header, another unit, or several ranges — a server may ignore Range), `null`
 * means 416 (no satisfiable range), else the one range to send with 206.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | null | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return header.trim().startsWith('bytes=') && !header.includes(',') ? null : undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // Suffix range: the last N bytes (§14.1.2); a zero-length suffix is unsatisfiable.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}
