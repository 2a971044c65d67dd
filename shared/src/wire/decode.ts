import { DEFAULT_MAX_MESSAGE_BYTES, type FrameMessage, type TrackMessage, type WireMessage } from './messages.ts';
import { micro, milli } from '../time.ts';
import {
  FRAME_COMPOSITION_OFFSET_BYTES, FRAME_FIELDS_BYTES, FRAME_FLAG_COMPOSITION_OFFSET, FRAME_FLAG_KEYFRAME, FRAME_TYPE_CODE, PREFIX_BYTES, TRACK_KIND_AUDIO,
  TRACK_KIND_VIDEO, TWO_POW_32, WIRE_TYPE_CODES,
} from './layout.ts';
import { decodeUtf8 } from './utf8.ts';
import { wireError, type WireDecodeResult, type WireError } from './wire-error.ts';

export interface WireDecodeOptions {
  /** Cap on the length prefix value; default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

const TYPE_NAMES: readonly (WireMessage['type'] | undefined)[] = (() => {
  const names: (WireMessage['type'] | undefined)[] = new Array<undefined>(256).fill(undefined);
  for (const [name, code] of Object.entries(WIRE_TYPE_CODES)) names[code] = name as WireMessage['type'];
  return names;
})();

/**
 * Reads big-endian fields from one message body. A read past the end or an invalid value records
 * the first error and returns a neutral value, so decoding code stays linear and never throws.
 */
class Reader {
  error: WireError | undefined;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly end: number;
  private readonly type: string;
  private pos: number;

  constructor(bytes: Uint8Array, start: number, end: number, type: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.type = type;
  }

  private take(n: number): number {
    const at = this.pos;
    if (this.error) return -1;
    if (this.end - at < n) {
      this.error = wireError('WIRE_TRUNCATED', `${this.type}: needs ${n} more bytes at offset ${at}`);
      return -1;
    }
    this.pos = at + n;
    return at;
  }

  bad(field: string, why: string): void {
    this.error ??= wireError('WIRE_BAD_FIELD', `${this.type}.${field} ${why}`);
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.view.getUint8(at);
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  i64(field: string): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const value = this.view.getInt32(at) * TWO_POW_32 + this.view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) this.bad(field, 'is outside the safe integer range');
    return value;
  }

  u64(field: string): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const value = this.view.getUint32(at) * TWO_POW_32 + this.view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) this.bad(field, 'is outside the safe integer range');
    return value;
  }

  f64(field: string): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const value = this.view.getFloat64(at);
    if (!Number.isFinite(value)) this.bad(field, 'is not a finite number');
    return value;
  }

  /** Byte field with u32 length; a view into the input (no copy). */
  bytes32(): Uint8Array {
    const length = this.u32();
    const at = this.take(length);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + length);
  }

  str16(field: string): string {
    return this.text(this.u16(), field);
  }

  str32(field: string): string {
    return this.text(this.u32(), field);
  }

  private text(length: number, field: string): string {
    const at = this.take(length);
    if (at < 0) return '';
    const value = decodeUtf8(this.bytes.subarray(at, at + length));
    if (value === undefined) this.bad(field, 'is not well-formed UTF-8');
    return value ?? '';
  }

  finish(message: WireMessage): WireDecodeResult {
    if (this.error) return { ok: false, error: this.error };
    if (this.pos !== this.end) {
      return { ok: false, error: wireError('WIRE_TRAILING_BYTES', `${this.type}: ${this.end - this.pos} bytes after the last field`) };
    }
    return { ok: true, message };
  }
}

/** The hot path: frame fields read byte-wise, payload as a view. `start` is just after the type byte. */
const decodeFrame = (bytes: Uint8Array, start: number, end: number): WireDecodeResult => {
  if (end - start < FRAME_FIELDS_BYTES) {
    return { ok: false, error: wireError('WIRE_TRUNCATED', `frame: ${end - start} bytes, fields need ${FRAME_FIELDS_BYTES}`) };
  }
  const flags = bytes[start + 1] ?? 0;
  if ((flags & ~(FRAME_FLAG_KEYFRAME | FRAME_FLAG_COMPOSITION_OFFSET)) !== 0) {
    return { ok: false, error: wireError('WIRE_BAD_FIELD', `frame.flags has reserved bits set (0x${flags.toString(16)})`) };
  }
  const fieldsBytes = (flags & FRAME_FLAG_COMPOSITION_OFFSET) === 0 ? FRAME_FIELDS_BYTES : FRAME_FIELDS_BYTES + FRAME_COMPOSITION_OFFSET_BYTES;
  if (end - start < fieldsBytes) {
    return { ok: false, error: wireError('WIRE_TRUNCATED', `frame: ${end - start} bytes, fields need ${fieldsBytes}`) };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, fieldsBytes);
  const timestamp = view.getInt32(2) * TWO_POW_32 + view.getUint32(6);
  if (!Number.isSafeInteger(timestamp)) {
    return { ok: false, error: wireError('WIRE_BAD_FIELD', 'frame.timestamp is outside the safe integer range') };
  }
  const frame: FrameMessage = {
    type: 'frame',
    trackId: view.getUint8(0),
    keyframe: (flags & FRAME_FLAG_KEYFRAME) !== 0,
    timestamp: micro(timestamp),
    duration: micro(view.getUint32(10)),
    payload: bytes.subarray(start + fieldsBytes, end),
  };
  if (fieldsBytes === FRAME_FIELDS_BYTES) return { ok: true, message: frame };
  return { ok: true, message: { ...frame, compositionOffset: micro(view.getUint32(FRAME_FIELDS_BYTES)) } };
};

const decodeTrack = (r: Reader): WireDecodeResult => {
  const trackId = r.u8();
  const kind = r.u8();
  const codec = r.str16('codec');
  const description = r.bytes32();
  let message: TrackMessage;
  if (kind === TRACK_KIND_VIDEO) {
    message = { type: 'track', kind: 'video', trackId, codec, description, width: r.u16(), height: r.u16(), framerate: r.f64('framerate') };
  } else {
    if (kind !== TRACK_KIND_AUDIO) r.bad('kind', `is unknown (${kind})`);
    message = { type: 'track', kind: 'audio', trackId, codec, description, sampleRate: r.u32(), channels: r.u8() };
  }
  return r.finish(message);
};

/**
 * Decodes one message body: `bytes[start]` is the type byte and `end` the end of the message as
 * its length prefix declared it. Byte fields (frame payload, track description) are views into
 * `bytes`, not copies. Never throws.
 */
export function decodeBody(bytes: Uint8Array, start: number, end: number): WireDecodeResult {
  if (end <= start) return { ok: false, error: wireError('WIRE_TRUNCATED', 'message has no type byte') };
  const code = bytes[start] ?? 0;
  if (code === FRAME_TYPE_CODE) return decodeFrame(bytes, start + 1, end);
  const type = TYPE_NAMES[code];
  if (type === undefined) return { ok: false, error: wireError('WIRE_UNKNOWN_TYPE', `unknown message type 0x${code.toString(16)}`) };
  const r = new Reader(bytes, start + 1, end, type);
  switch (type) {
    case 'hello':
      return r.finish({ type, version: r.u16(), token: r.str16('token') });
    case 'hello-ok':
      return r.finish({ type, sessionId: r.str16('sessionId'), maxMessageBytes: r.u32() });
    case 'error':
      return r.finish({ type, code: r.str16('code'), reason: r.str16('reason') });
    case 'track':
      return decodeTrack(r);
    case 'stats':
      return r.finish({
        type, sequence: r.u32(), sentAt: milli(r.f64('sentAt')),
        newestCaptureTimestamp: micro(r.i64('newestCaptureTimestamp')), framesSent: r.u32(), framesDropped: r.u32(),
      });
    case 'ack':
      return r.finish({ type, sequence: r.u32(), echoedSentAt: milli(r.f64('echoedSentAt')), framesReceived: r.u32(), bytesReceived: r.u64('bytesReceived') });
    case 'status':
      return r.finish({ type, json: r.str32('json') });
    case 'goodbye':
      return r.finish({ type, reason: r.str16('reason') });
    case 'frame':
      return decodeFrame(bytes, start + 1, end);
    default: {
      const unknown: never = type;
      return { ok: false, error: wireError('WIRE_UNKNOWN_TYPE', `unknown message type ${String(unknown)}`) };
    }
  }
}

/** Reads the u32 big-endian length prefix at `offset` (caller ensures 4 bytes are there). */
export const readPrefix = (bytes: Uint8Array, offset: number): number =>
  (bytes[offset] ?? 0) * 0x100_0000 + (((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0));

/** The cap to apply: the default when unset; a NaN or negative cap fails closed (rejects everything). */
export const messageCap = (value: number | undefined): number =>
  value === undefined ? DEFAULT_MAX_MESSAGE_BYTES : value >= 0 ? value : 0;

export const tooLarge = (length: number, max: number): WireError =>
  wireError('WIRE_TOO_LARGE', `message of ${length} bytes exceeds the cap of ${max}`);

/**
 * Decodes exactly one message, length prefix included. Fails with a WireError on missing or
 * leftover bytes, a prefix above the cap, an unknown type or an invalid field; never throws.
 * Byte fields in the result are views into `bytes` (no copy): copy them to keep them past a reuse
 * of `bytes`.
 */
export function decodeMessage(bytes: Uint8Array, options?: WireDecodeOptions): WireDecodeResult {
  const max = messageCap(options?.maxMessageBytes);
  if (bytes.length < PREFIX_BYTES) {
    return { ok: false, error: wireError('WIRE_TRUNCATED', `${bytes.length} bytes, the length prefix needs ${PREFIX_BYTES}`) };
  }
  const length = readPrefix(bytes, 0);
  if (length > max) return { ok: false, error: tooLarge(length, max) };
  const available = bytes.length - PREFIX_BYTES;
  if (available < length) {
    return { ok: false, error: wireError('WIRE_TRUNCATED', `message declares ${length} bytes, ${available} present`) };
  }
  if (available > length) {
    return { ok: false, error: wireError('WIRE_TRAILING_BYTES', `${available - length} bytes after the declared message`) };
  }
  return decodeBody(bytes, PREFIX_BYTES, PREFIX_BYTES + length);
}
