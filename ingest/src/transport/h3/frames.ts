/**
 * HTTP/3 frames (RFC 9114 §7): type varint, length varint, payload. Also the stream type codes of
 * unidirectional streams (RFC 9114 §6.2) and the SETTINGS this layer speaks.
 */
import { H3Error, H3ErrorCode } from './errors.ts';
import { concatBytes, readVarint, varintLength, writeVarint } from './varint.ts';

/** Frame types (RFC 9114 §7.2; WEBTRANSPORT_STREAM from draft-ietf-webtrans-http3-02 §4.2). */
export const FrameType = {
  DATA: 0x00,
  HEADERS: 0x01,
  CANCEL_PUSH: 0x03,
  SETTINGS: 0x04,
  PUSH_PROMISE: 0x05,
  GOAWAY: 0x07,
  MAX_PUSH_ID: 0x0d,
  WEBTRANSPORT_STREAM: 0x41,
} as const;

/** Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2, draft-ietf-webtrans-http3-02 §4.1). */
export const StreamType = {
  CONTROL: 0x00,
  PUSH: 0x01,
  QPACK_ENCODER: 0x02,
  QPACK_DECODER: 0x03,
  WEBTRANSPORT_UNI: 0x54,
} as const;

/** SETTINGS identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5, RFC 9220 §3, RFC 9297 §2.1.1, draft-02 §3.1). */
export const SettingId = {
  QPACK_MAX_TABLE_CAPACITY: 0x01,
  MAX_FIELD_SECTION_SIZE: 0x06,
  QPACK_BLOCKED_STREAMS: 0x07,
  ENABLE_CONNECT_PROTOCOL: 0x08,
  H3_DATAGRAM: 0x33,
  ENABLE_WEBTRANSPORT: 0x2b603742,
} as const;

/** HTTP/2 setting identifiers that are an error in HTTP/3 (RFC 9114 §7.2.4.1, §11.2.2). */
const FORBIDDEN_SETTINGS = new Set([0x02, 0x03, 0x04, 0x05]);

export interface H3Frame {
  readonly type: number;
  readonly payload: Uint8Array;
}

export interface FrameRead {
  readonly frame: H3Frame;
  readonly next: number;
}

/** Encodes a frame header (type + length) alone, for DATA frames whose payload is sent separately. */
export function encodeFrameHeader(type: number, length: number): Uint8Array {
  const out = new Uint8Array(varintLength(type) + varintLength(length));
  writeVarint(out, writeVarint(out, 0, type), length);
  return out;
}

export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  return concatBytes([encodeFrameHeader(type, payload.length), payload]);
}

/**
 * Reads one frame at `offset`. `undefined` means more bytes are needed; a declared payload larger
 * than `maxPayload` is refused before it is buffered (RFC 9114 §7.1: H3_EXCESSIVE_LOAD is allowed
 * for frames an endpoint will not buffer).
 */
export function readFrame(buf: Uint8Array, offset: number, maxPayload: number): FrameRead | undefined {
  const type = readVarint(buf, offset);
  if (!type) return undefined;
  const length = readVarint(buf, type.next);
  if (!length) return undefined;
  if (length.value > maxPayload) {
    throw new H3Error(H3ErrorCode.EXCESSIVE_LOAD, `frame 0x${type.value.toString(16)} of ${length.value} bytes exceeds ${maxPayload}`);
  }
  const end = length.next + length.value;
  if (end > buf.length) return undefined;
  return { frame: { type: type.value, payload: buf.subarray(length.next, end) }, next: end };
}

/** Accumulates stream bytes and yields whole frames (control and request streams). */
export class FrameReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly maxPayload: number;

  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  push(chunk: Uint8Array): void {
    this.buffer = this.buffer.length === 0 ? chunk : concatBytes([this.buffer, chunk]);
  }

  /** The next whole frame, or `undefined` until more bytes arrive. Throws H3Error on a violation. */
  next(): H3Frame | undefined {
    const read = readFrame(this.buffer, 0, this.maxPayload);
    if (!read) return undefined;
    this.buffer = this.buffer.subarray(read.next);
    return read.frame;
  }

  /** Bytes held that do not yet form a whole frame. */
  get pendingBytes(): number {
    return this.buffer.length;
  }
}

/** SETTINGS payload: (identifier, value) varint pairs (RFC 9114 §7.2.4). */
export function encodeSettings(settings: ReadonlyMap<number, number>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, value] of settings) {
    const pair = new Uint8Array(varintLength(id) + varintLength(value));
    writeVarint(pair, writeVarint(pair, 0, id), value);
    parts.push(pair);
  }
  return concatBytes(parts);
}

export function decodeSettings(payload: Uint8Array): Map<number, number> {
  const settings = new Map<number, number>();
  let offset = 0;
  while (offset < payload.length) {
    const id = readVarint(payload, offset);
    const value = id && readVarint(payload, id.next);
    if (!id || !value) throw new H3Error(H3ErrorCode.FRAME_ERROR, 'truncated SETTINGS');
    // RFC 9114 §7.2.4: a duplicate identifier or an HTTP/2-only one is H3_SETTINGS_ERROR.
    if (settings.has(id.value) || FORBIDDEN_SETTINGS.has(id.value)) {
      throw new H3Error(H3ErrorCode.SETTINGS_ERROR, `bad setting 0x${id.value.toString(16)}`);
    }
    settings.set(id.value, value.value);
    offset = value.next;
  }
  return settings;
}

/** GOAWAY payload: one varint, a stream ID from the server (RFC 9114 §7.2.6). */
export function encodeGoaway(id: number): Uint8Array {
  const out = new Uint8Array(varintLength(id));
  writeVarint(out, 0, id);
  return encodeFrame(FrameType.GOAWAY, out);
}

export function decodeGoaway(payload: Uint8Array): number {
  const id = readVarint(payload, 0);
  if (!id || id.next !== payload.length) throw new H3Error(H3ErrorCode.FRAME_ERROR, 'malformed GOAWAY');
  return id.value;
}

/** Frame types that are not allowed on the control stream (RFC 9114 §7.2.1, §7.2.2, §7.2.5). */
export function isRequestOnlyFrame(type: number): boolean {
  return type === FrameType.DATA || type === FrameType.HEADERS || type === FrameType.PUSH_PROMISE;
}
