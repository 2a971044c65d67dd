/**
 * Eager reads for HTTP/3's own streams (control, QPACK, request/CONNECT) and the small header
 * reads that classify a new peer stream (RFC 9114 §6.2 stream type; draft-02 §4.1/§4.2 session ID).
 */
import { readVarint } from '../h3/varint.ts';
import type { NativeConnection } from './native.ts';

const scratch = Buffer.allocUnsafe(16 * 1024);

export type DrainResult = 'open' | 'fin' | 'reset';

/** Reads everything quiche holds for the stream and hands it to `onBytes` (bounded by the caller's parser caps). */
export function drainStream(conn: NativeConnection, streamId: number, onBytes: (bytes: Uint8Array) => void): DrainResult {
  for (;;) {
    let result: [number, boolean] | null;
    try {
      result = conn.streamRecv(streamId, scratch);
    } catch {
      return 'reset';
    }
    if (result === null) return 'open';
    const [length, fin] = result;
    if (length > 0) onBytes(Uint8Array.prototype.slice.call(scratch, 0, length));
    if (fin) return 'fin';
  }
}

/** At most two varints (type + session ID) precede a stream's payload. */
const MAX_HEADER_BYTES = 16;
const headerScratch = Buffer.allocUnsafe(MAX_HEADER_BYTES);

export interface StreamHeader {
  readonly values: readonly number[];
  /** Bytes read past the header: the first payload bytes. */
  readonly rest: Uint8Array;
  /** Every byte read so far, header included. */
  readonly raw: Uint8Array;
  readonly fin: boolean;
}

/**
 * Accumulates a stream's leading varints without reading further than needed: `count(first)`
 * says how many varints the header has once the first is known (1 or 2).
 */
export class HeaderReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private readonly count: (first: number) => number;

  constructor(count: (first: number) => number) {
    this.count = count;
  }

  /** Reads from quiche; returns the header once complete, 'reset' / 'fin-early' on a dead stream, undefined to wait. */
  read(conn: NativeConnection, streamId: number): StreamHeader | 'reset' | 'fin-early' | undefined {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      let result: [number, boolean] | null;
      try {
        const room = MAX_HEADER_BYTES - this.bytes.length;
        result = conn.streamRecv(streamId, headerScratch.subarray(0, Math.max(1, Math.min(room, 8))));
      } catch {
        return 'reset';
      }
      if (result === null) return undefined;
      const [length, fin] = result;
      const merged = new Uint8Array(this.bytes.length + length);
      merged.set(this.bytes);
      merged.set(headerScratch.subarray(0, length), this.bytes.length);
      this.bytes = merged;
      if (fin) return this.parse(true) ?? 'fin-early';
    }
  }

  private parse(fin = false): StreamHeader | undefined {
    const values: number[] = [];
    let offset = 0;
    for (;;) {
      const read = readVarint(this.bytes, offset);
      if (!read) return undefined;
      values.push(read.value);
      offset = read.next;
      if (values.length >= this.count(values[0] ?? 0)) return { values, rest: this.bytes.subarray(offset), raw: this.bytes, fin };
    }
  }
}
