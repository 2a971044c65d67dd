import { DEFAULT_MAX_MESSAGE_BYTES, type FrameMessage, type WireMessage } from './messages.ts';
import type { Micro } from '../time.ts';
import {
  FRAME_COMPOSITION_OFFSET_BYTES, FRAME_FLAG_COMPOSITION_OFFSET, FRAME_FLAG_KEYFRAME, FRAME_HEADER_BYTES, FRAME_TYPE_CODE, PREFIX_BYTES,
  TRACK_KIND_AUDIO, TRACK_KIND_VIDEO, TWO_POW_32, U16_MAX, U32_MAX, WIRE_TYPE_CODES,
} from './layout.ts';
import { encodeUtf8 } from './utf8.ts';
import { WireEncodeError, type WireErrorCode } from './wire-error.ts';

export interface WireEncodeOptions {
  /** Cap on the encoded size after the prefix; default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

/** The fields of a frame without its payload, for writing the header in front of a payload. */
export interface FrameHeaderFields {
  readonly trackId: number;
  readonly timestamp: Micro;
  readonly duration: Micro;
  readonly keyframe: boolean;
  /** µs, B-frames (see FrameMessage); when present (even 0) the field and its flag are written. */
  readonly compositionOffset?: Micro;
  readonly payloadLength: number;
}

/** Bytes in front of the payload for these fields: FRAME_HEADER_BYTES, plus 4 with a compositionOffset. */
export const frameHeaderBytes = (header: Pick<FrameHeaderFields, 'compositionOffset'>): number =>
  header.compositionOffset === undefined ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES + FRAME_COMPOSITION_OFFSET_BYTES;

const fail = (code: WireErrorCode, detail: string): never => {
  throw new WireEncodeError(code, detail);
};

const checkUint = (value: number, max: number, field: string): void => {
  if (!Number.isInteger(value) || value < 0 || value > max) fail('WIRE_BAD_FIELD', `${field} must be an integer in 0..${max}`);
};

/** Writes big-endian fields into one exactly sized buffer, checking every value's range first. */
class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(value: number, field: string): void {
    checkUint(value, 0xff, field);
    this.view.setUint8(this.pos, value);
    this.pos += 1;
  }

  u16(value: number, field: string): void {
    checkUint(value, U16_MAX, field);
    this.view.setUint16(this.pos, value);
    this.pos += 2;
  }

  u32(value: number, field: string): void {
    checkUint(value, U32_MAX, field);
    this.view.setUint32(this.pos, value);
    this.pos += 4;
  }

  /** Signed 64-bit (two's complement) from a safe integer: high half as i32, low half as u32. */
  i64(value: number, field: string): void {
    if (!Number.isSafeInteger(value)) fail('WIRE_BAD_FIELD', `${field} must be a safe integer`);
    const high = Math.floor(value / TWO_POW_32);
    this.view.setInt32(this.pos, high);
    this.view.setUint32(this.pos + 4, value - high * TWO_POW_32);
    this.pos += 8;
  }

  u64(value: number, field: string): void {
    if (!Number.isSafeInteger(value) || value < 0) fail('WIRE_BAD_FIELD', `${field} must be a non-negative safe integer`);
    this.i64(value, field);
  }

  f64(value: number, field: string): void {
    if (!Number.isFinite(value)) fail('WIRE_BAD_FIELD', `${field} must be a finite number`);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /** A string field already converted by `utf8()`: u16 length + bytes. */
  str16(bytes: Uint8Array): void {
    this.view.setUint16(this.pos, bytes.length);
    this.bytes.set(bytes, this.pos + 2);
    this.pos += 2 + bytes.length;
  }

  /** A byte field: u32 length + bytes. */
  bytes32(bytes: Uint8Array): void {
    this.view.setUint32(this.pos, bytes.length);
    this.bytes.set(bytes, this.pos + 4);
    this.pos += 4 + bytes.length;
  }
}

const utf8 = (value: string, field: string, maxBytes: number): Uint8Array => {
  const bytes = encodeUtf8(value) ?? fail('WIRE_BAD_FIELD', `${field} is not well-formed Unicode`);
  if (bytes.length > maxBytes) fail('WIRE_BAD_FIELD', `${field} is longer than ${maxBytes} UTF-8 bytes`);
  return bytes;
};

/** Allocates the whole message and writes prefix and type byte; `bodyBytes` excludes the type byte. */
const begin = (type: WireMessage['type'], bodyBytes: number, maxMessageBytes: number): Writer => {
  const size = 1 + bodyBytes;
  if (size > maxMessageBytes) fail('WIRE_TOO_LARGE', `${type} message of ${size} bytes exceeds the cap of ${maxMessageBytes}`);
  const writer = new Writer(PREFIX_BYTES + size);
  writer.u32(size, 'length');
  writer.u8(WIRE_TYPE_CODES[type], 'type');
  return writer;
};

/**
 * Writes the frame header (prefix, type, fields; `frameHeaderBytes(header)` bytes) at `offset`, with
 * the prefix counting `payloadLength` bytes that the caller writes or sends right after it, so a
 * sender can put header and payload on the wire without concatenating them. Throws WireEncodeError.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, header: FrameHeaderFields): void {
  const headerBytes = frameHeaderBytes(header);
  const fieldsBytes = headerBytes - PREFIX_BYTES - 1;
  checkUint(header.trackId, 0xff, 'frame.trackId');
  checkUint(header.duration, U32_MAX, 'frame.duration');
  checkUint(header.compositionOffset ?? 0, U32_MAX, 'frame.compositionOffset');
  checkUint(header.payloadLength, U32_MAX - 1 - fieldsBytes, 'frame.payloadLength');
  if (!Number.isSafeInteger(header.timestamp)) fail('WIRE_BAD_FIELD', 'frame.timestamp must be a safe integer');
  if (offset < 0 || offset + headerBytes > target.length) fail('WIRE_BAD_FIELD', 'frame header does not fit the target');
  const view = new DataView(target.buffer, target.byteOffset + offset, headerBytes);
  const high = Math.floor(header.timestamp / TWO_POW_32);
  view.setUint32(0, 1 + fieldsBytes + header.payloadLength);
  view.setUint8(4, FRAME_TYPE_CODE);
  view.setUint8(5, header.trackId);
  view.setUint8(6, (header.keyframe ? FRAME_FLAG_KEYFRAME : 0) | (headerBytes > FRAME_HEADER_BYTES ? FRAME_FLAG_COMPOSITION_OFFSET : 0));
  view.setInt32(7, high);
  view.setUint32(11, header.timestamp - high * TWO_POW_32);
  view.setUint32(15, header.duration);
  if (headerBytes > FRAME_HEADER_BYTES) view.setUint32(FRAME_HEADER_BYTES, header.compositionOffset ?? 0);
}

const checkFrameSize = (headerBytes: number, payloadLength: number, max: number): void => {
  const size = headerBytes - PREFIX_BYTES + payloadLength;
  if (size > max) fail('WIRE_TOO_LARGE', `frame message of ${size} bytes exceeds the cap of ${max}`);
};

/** The `frameHeaderBytes(header)` bytes in front of a frame payload (see writeFrameHeader). */
export function encodeFrameHeader(header: FrameHeaderFields, options?: WireEncodeOptions): Uint8Array {
  const headerBytes = frameHeaderBytes(header);
  checkFrameSize(headerBytes, header.payloadLength, options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  const bytes = new Uint8Array(headerBytes);
  writeFrameHeader(bytes, 0, header);
  return bytes;
}

const encodeFrame = (frame: FrameMessage, max: number): Uint8Array => {
  const headerBytes = frameHeaderBytes(frame);
  checkFrameSize(headerBytes, frame.payload.length, max);
  const bytes = new Uint8Array(headerBytes + frame.payload.length);
  writeFrameHeader(bytes, 0, { ...frame, payloadLength: frame.payload.length });
  bytes.set(frame.payload, headerBytes);
  return bytes;
};

/** `stats` and `ack`: fixed-size bodies of counters and clocks. */
const encodeReport = (message: Extract<WireMessage, { type: 'stats' | 'ack' }>, max: number): Uint8Array => {
  if (message.type === 'stats') {
    const w = begin(message.type, 4 + 8 + 8 + 4 + 4, max);
    w.u32(message.sequence, 'stats.sequence');
    w.f64(message.sentAt, 'stats.sentAt');
    w.i64(message.newestCaptureTimestamp, 'stats.newestCaptureTimestamp');
    w.u32(message.framesSent, 'stats.framesSent');
    w.u32(message.framesDropped, 'stats.framesDropped');
    return w.bytes;
  }
  const w = begin(message.type, 4 + 8 + 4 + 8, max);
  w.u32(message.sequence, 'ack.sequence');
  w.f64(message.echoedSentAt, 'ack.echoedSentAt');
  w.u32(message.framesReceived, 'ack.framesReceived');
  w.u64(message.bytesReceived, 'ack.bytesReceived');
  return w.bytes;
};

/**
 * Encodes one message: u32 length prefix + type byte + body (shared/PROTOCOL.md). Throws
 * WireEncodeError (WIRE_BAD_FIELD, WIRE_TOO_LARGE) for a message that cannot be encoded exactly.
 */
export function encodeMessage(message: WireMessage, options?: WireEncodeOptions): Uint8Array {
  const max = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  switch (message.type) {
    case 'frame':
      return encodeFrame(message, max);
    case 'hello': {
      const token = utf8(message.token, 'hello.token', U16_MAX);
      const w = begin(message.type, 2 + 2 + token.length, max);
      w.u16(message.version, 'hello.version');
      w.str16(token);
      return w.bytes;
    }
    case 'hello-ok': {
      const sessionId = utf8(message.sessionId, 'hello-ok.sessionId', U16_MAX);
      const w = begin(message.type, 2 + sessionId.length + 4, max);
      w.str16(sessionId);
      w.u32(message.maxMessageBytes, 'hello-ok.maxMessageBytes');
      return w.bytes;
    }
    case 'error': {
      const code = utf8(message.code, 'error.code', U16_MAX);
      const reason = utf8(message.reason, 'error.reason', U16_MAX);
      const w = begin(message.type, 2 + code.length + 2 + reason.length, max);
      w.str16(code);
      w.str16(reason);
      return w.bytes;
    }
    case 'track':
      return encodeTrack(message, max);
    case 'stats':
    case 'ack':
      return encodeReport(message, max);
    case 'status': {
      const json = utf8(message.json, 'status.json', U32_MAX);
      const w = begin(message.type, 4 + json.length, max);
      w.bytes32(json);
      return w.bytes;
    }
    case 'goodbye': {
      const reason = utf8(message.reason, 'goodbye.reason', U16_MAX);
      const w = begin(message.type, 2 + reason.length, max);
      w.str16(reason);
      return w.bytes;
    }
    default: {
      const unknown: never = message;
      return fail('WIRE_UNKNOWN_TYPE', `cannot encode message type ${String((unknown as { type: unknown }).type)}`);
    }
  }
}

const encodeTrack = (message: Extract<WireMessage, { type: 'track' }>, max: number): Uint8Array => {
  const codec = utf8(message.codec, 'track.codec', U16_MAX);
  const video = message.kind === 'video';
  const common = 1 + 1 + 2 + codec.length + 4 + message.description.length;
  const w = begin(message.type, common + (video ? 2 + 2 + 8 : 4 + 1), max);
  w.u8(message.trackId, 'track.trackId');
  w.u8(video ? TRACK_KIND_VIDEO : TRACK_KIND_AUDIO, 'track.kind');
  w.str16(codec);
  w.bytes32(message.description);
  if (message.kind === 'video') {
    w.u16(message.width, 'track.width');
    w.u16(message.height, 'track.height');
    w.f64(message.framerate, 'track.framerate');
  } else {
    w.u32(message.sampleRate, 'track.sampleRate');
    w.u8(message.channels, 'track.channels');
  }
  return w.bytes;
};
