/**
 * The one table of wire cases (STYLE.md "Tests by layer"): valid messages with their exact bytes,
 * invalid byte strings with the error they must produce, messages the encoder must refuse, and
 * message sequences for the session rules. Codec, incremental decoder and fuzz tests all read it.
 * Bytes are written out by hand from shared/PROTOCOL.md, independently of the encoder.
 */
import { micro, milli } from '../time.ts';
import type { FrameMessage, WireMessage } from './messages.ts';
import type { WireErrorCode } from './wire-error.ts';
import type { WireSessionValidatorOptions } from './session-validator.ts';

/** Joins byte strings into one (tests and the bench build streams with it). */
export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

export const fromHex = (hex: string): Uint8Array => {
  const clean = hex.replace(/\s+/g, '');
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const hx = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');
/** A whole message: u32 length prefix computed from the hex parts (type byte + body). */
const msg = (...parts: string[]): string => {
  const body = hx(...parts);
  return (body.length / 2).toString(16).padStart(8, '0') + body;
};
const ascii = (text: string): string => Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
/** u16 length + ASCII bytes. */
const s16 = (text: string): string => text.length.toString(16).padStart(4, '0') + ascii(text);

const AVCC = '0142c01fffe100046742c01f010004 68ce3c80';
const OPUS_HEAD = '4f707573486561640102380180bb0000000000';
const F64_30 = '403e000000000000';
const F64_NAN = '7ff8000000000000';

export interface ValidCase {
  readonly name: string;
  readonly message: WireMessage;
  readonly hex: string;
}

export interface InvalidCase {
  readonly name: string;
  readonly hex: string;
  /** What decodeMessage reports for exactly these bytes. */
  readonly code: WireErrorCode;
  /**
   * What WireDecoder reports for these bytes as a whole stream followed by end(), when it differs
   * (bytes after a message are the start of the next one to a stream decoder); null = no error.
   */
  readonly streamCode?: WireErrorCode | null;
  readonly maxMessageBytes?: number;
}

export interface EncodeErrorCase {
  readonly name: string;
  readonly message: WireMessage;
  readonly code: WireErrorCode;
  readonly maxMessageBytes?: number;
}

export interface SessionCase {
  readonly name: string;
  readonly options?: WireSessionValidatorOptions;
  readonly messages: readonly WireMessage[];
  /** Index of the first message the validator must reject, with its code; null = all accepted. */
  readonly rejects: { readonly at: number; readonly code: WireErrorCode } | null;
}

const frame = (trackId: number, timestamp: number, keyframe: boolean, payloadHex = ''): FrameMessage => ({
  type: 'frame', trackId, timestamp: micro(timestamp), duration: micro(33333), keyframe, payload: fromHex(payloadHex),
});
/** A frame sent `offset` µs ahead of its presentation `timestamp` (decode timestamp = timestamp − offset). */
const bframe = (trackId: number, timestamp: number, offset: number, keyframe: boolean): FrameMessage => ({
  ...frame(trackId, timestamp, keyframe), compositionOffset: micro(offset),
});
const video = (trackId: number): WireMessage => ({
  type: 'track', kind: 'video', trackId, codec: 'avc1.42c01f', description: fromHex(AVCC), width: 1280, height: 720, framerate: 30,
});
const audio = (trackId: number): WireMessage => ({
  type: 'track', kind: 'audio', trackId, codec: 'opus', description: fromHex(OPUS_HEAD), sampleRate: 48000, channels: 2,
});
const hello = (version = 1): WireMessage => ({ type: 'hello', version, token: 'tok' });

export const validCases: readonly ValidCase[] = [
  { name: 'hello', message: hello(), hex: msg('01', '0001', s16('tok')) },
  { name: 'hello, max version, empty token', message: { type: 'hello', version: 0xffff, token: '' }, hex: '00000005 01 ffff 0000'.replace(/ /g, '') },
  { name: 'hello-ok', message: { type: 'hello-ok', sessionId: 'sess1', maxMessageBytes: 8 * 1024 * 1024 }, hex: msg('02', s16('sess1'), '00800000') },
  { name: 'hello-ok, non-ASCII id, max u32', message: { type: 'hello-ok', sessionId: 'é🎥', maxMessageBytes: 0xffffffff }, hex: msg('02', '0006 c3a9f09f8ea5', 'ffffffff') },
  { name: 'error', message: { type: 'error', code: 'WIRE_TOO_LARGE', reason: 'big' }, hex: msg('03', s16('WIRE_TOO_LARGE'), s16('big')) },
  { name: 'error, empty strings', message: { type: 'error', code: '', reason: '' }, hex: msg('03', '0000', '0000') },
  { name: 'track video', message: video(1), hex: msg('04', '01 00', s16('avc1.42c01f'), '00000013', AVCC, '0500 02d0', F64_30) },
  {
    name: 'track video, edge values',
    message: { type: 'track', kind: 'video', trackId: 255, codec: '', description: new Uint8Array(0), width: 0xffff, height: 0, framerate: 30000 / 1001 },
    hex: msg('04', 'ff 00', '0000', '00000000', 'ffff 0000', '403df853e2556b28'),
  },
  { name: 'track audio', message: audio(2), hex: msg('04', '02 01', s16('opus'), '00000013', OPUS_HEAD, '0000bb80', '02') },
  {
    name: 'track audio, edge values',
    message: { type: 'track', kind: 'audio', trackId: 0, codec: 'mp4a.40.2', description: fromHex('1190'), sampleRate: 0xffffffff, channels: 255 },
    hex: msg('04', '00 01', s16('mp4a.40.2'), '00000002 1190', 'ffffffff', 'ff'),
  },
  { name: 'frame keyframe', message: frame(1, 0, true, '0000000165'), hex: msg('05', '01 01', '0000000000000000', '00008235', '0000000165') },
  {
    name: 'frame, negative timestamp, empty payload',
    message: { type: 'frame', trackId: 255, timestamp: micro(-1), duration: micro(0), keyframe: false, payload: new Uint8Array(0) },
    hex: '0000000f 05 ff 00 ffffffffffffffff 00000000'.replace(/ /g, ''),
  },
  {
    name: 'frame, largest safe timestamp, max duration',
    message: { type: 'frame', trackId: 0, timestamp: micro(2 ** 53 - 1), duration: micro(0xffffffff), keyframe: true, payload: fromHex('ff') },
    hex: msg('05', '00 01', '001fffffffffffff', 'ffffffff', 'ff'),
  },
  {
    name: 'frame, smallest safe timestamp',
    message: { type: 'frame', trackId: 7, timestamp: micro(-(2 ** 53 - 1)), duration: micro(20000), keyframe: false, payload: fromHex('fc') },
    hex: msg('05', '07 00', 'ffe0000000000001', '00004e20', 'fc'),
  },
  {
    name: 'frame with compositionOffset (B-frame ahead of its display time)',
    message: { ...frame(1, 100_000, false, '0000000141'), compositionOffset: micro(66_667) },
    hex: msg('05', '01 02', '00000000000186a0', '00008235', '0001046b', '0000000141'),
  },
  {
    name: 'frame with compositionOffset 0 (sent with its flag: each byte string has one decoding)',
    message: { ...frame(1, 0, true), compositionOffset: micro(0) },
    hex: msg('05', '01 03', '0000000000000000', '00008235', '00000000'),
  },
  {
    name: 'keyframe with compositionOffset',
    message: { ...frame(1, 66_667, true, '0000000165'), compositionOffset: micro(66_667) },
    hex: msg('05', '01 03', '000000000001046b', '00008235', '0001046b', '0000000165'),
  },
  {
    name: 'stats',
    message: { type: 'stats', sequence: 7, sentAt: milli(1234.5), newestCaptureTimestamp: micro(66666), framesSent: 90, framesDropped: 3 },
    hex: msg('06', '00000007', '40934a0000000000', '000000000001046a', '0000005a', '00000003'),
  },
  {
    name: 'stats, zero and negative values',
    message: { type: 'stats', sequence: 0, sentAt: milli(-0.5), newestCaptureTimestamp: micro(-2), framesSent: 0, framesDropped: 0xffffffff },
    hex: msg('06', '00000000', 'bfe0000000000000', 'fffffffffffffffe', '00000000', 'ffffffff'),
  },
  {
    name: 'ack',
    message: { type: 'ack', sequence: 0xffffffff, echoedSentAt: milli(123456789.125), framesReceived: 1, bytesReceived: 2 ** 53 - 1 },
    hex: msg('07', 'ffffffff', '419d6f3454800000', '00000001', '001fffffffffffff'),
  },
  { name: 'status', message: { type: 'status', json: '{"live":true}' }, hex: msg('08', '0000000d', ascii('{"live":true}')) },
  { name: 'status, empty', message: { type: 'status', json: '' }, hex: msg('08', '00000000') },
  { name: 'goodbye', message: { type: 'goodbye', reason: 'bye' }, hex: msg('09', s16('bye')) },
  { name: 'goodbye, leading BOM is kept', message: { type: 'goodbye', reason: '\uFEFFa' }, hex: msg('09', '0004 efbbbf61') },
];

export const invalidCases: readonly InvalidCase[] = [
  { name: 'empty input', hex: '', code: 'WIRE_TRUNCATED', streamCode: null },
  { name: 'partial prefix', hex: '000000', code: 'WIRE_TRUNCATED' },
  { name: 'zero length: no type byte', hex: '00000000', code: 'WIRE_TRUNCATED' },
  { name: 'reserved type 0x00', hex: '00000001 00', code: 'WIRE_UNKNOWN_TYPE' },
  { name: 'unknown type 0x0a', hex: '00000001 0a', code: 'WIRE_UNKNOWN_TYPE' },
  { name: 'unknown type 0xff with body', hex: '00000003 ff 0102', code: 'WIRE_UNKNOWN_TYPE' },
  { name: 'prefix larger than the bytes present', hex: '00000006 01 0001 0003 74', code: 'WIRE_TRUNCATED' },
  { name: 'bytes after the message', hex: msg('09', '0000') + '00', code: 'WIRE_TRAILING_BYTES', streamCode: 'WIRE_TRUNCATED' },
  { name: 'second message after the first', hex: msg('09', '0000') + msg('09', '0000'), code: 'WIRE_TRAILING_BYTES', streamCode: null },
  { name: 'hello with a byte after the token', hex: msg('01', '0001', s16('tok'), '00'), code: 'WIRE_TRAILING_BYTES' },
  { name: 'hello without token', hex: msg('01', '0001'), code: 'WIRE_TRUNCATED' },
  { name: 'length one above the default cap', hex: '00800001 09 0000', code: 'WIRE_TOO_LARGE' },
  { name: 'length 0xffffffff', hex: 'ffffffff', code: 'WIRE_TOO_LARGE' },
  { name: 'length above a configured cap', hex: msg('09', s16('0123456789abc')), code: 'WIRE_TOO_LARGE', maxMessageBytes: 15 },
  { name: 'string longer than the message', hex: msg('09', '0005'), code: 'WIRE_TRUNCATED' },
  { name: 'invalid UTF-8 byte', hex: msg('09', '0001 ff'), code: 'WIRE_BAD_FIELD' },
  { name: 'overlong UTF-8', hex: msg('09', '0002 c0af'), code: 'WIRE_BAD_FIELD' },
  { name: 'UTF-8 encoded surrogate', hex: msg('09', '0003 eda080'), code: 'WIRE_BAD_FIELD' },
  { name: 'UTF-8 cut inside a character', hex: msg('03', '0001 c3', '0000'), code: 'WIRE_BAD_FIELD' },
  { name: 'track of unknown kind', hex: msg('04', '01 02', s16('x'), '00000000', '0000bb80', '02'), code: 'WIRE_BAD_FIELD' },
  { name: 'track description length 0xffffffff', hex: msg('04', '01 00', s16('x'), 'ffffffff', '00'), code: 'WIRE_TRUNCATED' },
  { name: 'track video without framerate', hex: msg('04', '01 00', s16('x'), '00000000', '0500 02d0'), code: 'WIRE_TRUNCATED' },
  { name: 'track framerate NaN', hex: msg('04', '01 00', s16('x'), '00000000', '0500 02d0', F64_NAN), code: 'WIRE_BAD_FIELD' },
  { name: 'track audio with trailing byte', hex: msg('04', '02 01', s16('opus'), '00000000', '0000bb80', '02', '00'), code: 'WIRE_TRAILING_BYTES' },
  { name: 'frame shorter than its fields', hex: msg('05', '01 01', '0000000000000000', '000082'), code: 'WIRE_TRUNCATED' },
  { name: 'frame type byte only', hex: msg('05'), code: 'WIRE_TRUNCATED' },
  { name: 'frame reserved flag bit', hex: msg('05', '01 05', '0000000000000000', '00008235'), code: 'WIRE_BAD_FIELD' },
  { name: 'frame with compositionOffset flag, field cut short', hex: msg('05', '01 03', '0000000000000000', '00008235', '0000'), code: 'WIRE_TRUNCATED' },
  { name: 'frame timestamp 2^53', hex: msg('05', '01 01', '0020000000000000', '00008235'), code: 'WIRE_BAD_FIELD' },
  { name: 'frame timestamp -2^53', hex: msg('05', '01 01', 'ffe0000000000000', '00008235'), code: 'WIRE_BAD_FIELD' },
  { name: 'frame timestamp i64 min', hex: msg('05', '01 01', '8000000000000000', '00008235'), code: 'WIRE_BAD_FIELD' },
  { name: 'stats sentAt NaN', hex: msg('06', '00000007', F64_NAN, '0000000000000000', '00000000', '00000000'), code: 'WIRE_BAD_FIELD' },
  { name: 'stats sentAt Infinity', hex: msg('06', '00000007', '7ff0000000000000', '0000000000000000', '00000000', '00000000'), code: 'WIRE_BAD_FIELD' },
  { name: 'stats truncated', hex: msg('06', '00000007', '40934a0000000000'), code: 'WIRE_TRUNCATED' },
  { name: 'ack bytesReceived 2^53', hex: msg('07', '00000001', F64_30, '00000001', '0020000000000000'), code: 'WIRE_BAD_FIELD' },
  { name: 'hello-ok without maxMessageBytes', hex: msg('02', s16('s')), code: 'WIRE_TRUNCATED' },
  { name: 'status length beyond the message', hex: msg('08', '00000010', ascii('{}')), code: 'WIRE_TRUNCATED' },
  { name: 'status invalid UTF-8', hex: msg('08', '00000001', '80'), code: 'WIRE_BAD_FIELD' },
];

export const encodeErrorCases: readonly EncodeErrorCase[] = [
  { name: 'track id 256', message: frame(256, 0, true), code: 'WIRE_BAD_FIELD' },
  { name: 'fractional timestamp', message: frame(1, 0.5, true), code: 'WIRE_BAD_FIELD' },
  { name: 'unsafe timestamp', message: frame(1, 2 ** 53, true), code: 'WIRE_BAD_FIELD' },
  { name: 'negative duration', message: { ...frame(1, 0, true), duration: micro(-1) }, code: 'WIRE_BAD_FIELD' },
  { name: 'negative compositionOffset', message: { ...frame(1, 0, true), compositionOffset: micro(-1) }, code: 'WIRE_BAD_FIELD' },
  { name: 'hello version 65536', message: hello(65536), code: 'WIRE_BAD_FIELD' },
  { name: 'lone surrogate in a string', message: { type: 'goodbye', reason: 'a\uD800' }, code: 'WIRE_BAD_FIELD' },
  { name: 'string over 65535 UTF-8 bytes', message: { type: 'goodbye', reason: 'é'.repeat(32768) }, code: 'WIRE_BAD_FIELD' },
  { name: 'framerate NaN', message: { ...video(1), framerate: Number.NaN } as WireMessage, code: 'WIRE_BAD_FIELD' },
  { name: 'channels 256', message: { ...audio(1), channels: 256 } as WireMessage, code: 'WIRE_BAD_FIELD' },
  { name: 'bytesReceived negative', message: { type: 'ack', sequence: 0, echoedSentAt: milli(0), framesReceived: 0, bytesReceived: -1 }, code: 'WIRE_BAD_FIELD' },
  { name: 'frame above the cap', message: frame(1, 0, true, '00'.repeat(20)), code: 'WIRE_TOO_LARGE', maxMessageBytes: 34 },
  { name: 'control message above the cap', message: { type: 'goodbye', reason: 'bye' }, code: 'WIRE_TOO_LARGE', maxMessageBytes: 5 },
];

const stats: WireMessage = { type: 'stats', sequence: 1, sentAt: milli(5), newestCaptureTimestamp: micro(0), framesSent: 1, framesDropped: 0 };

export const sessionCases: readonly SessionCase[] = [
  {
    name: 'a complete publisher session',
    options: { expectHelloFirst: true },
    messages: [hello(), video(1), audio(2), frame(1, 0, true), frame(2, 0, false), frame(2, 20000, true), frame(1, 33333, false), stats, { type: 'goodbye', reason: '' }],
    rejects: null,
  },
  { name: 'tracks before hello are fine unless hello is expected', messages: [video(1), frame(1, 0, true)], rejects: null },
  { name: 'track before hello', options: { expectHelloFirst: true }, messages: [video(1)], rejects: { at: 0, code: 'WIRE_EXPECTED_HELLO' } },
  { name: 'frame before hello', options: { expectHelloFirst: true }, messages: [frame(1, 0, true)], rejects: { at: 0, code: 'WIRE_EXPECTED_HELLO' } },
  { name: 'wrong version', options: { expectHelloFirst: true }, messages: [hello(2)], rejects: { at: 0, code: 'WIRE_BAD_VERSION' } },
  { name: 'configured version', options: { version: 2 }, messages: [hello(2)], rejects: null },
  { name: 'hello twice', messages: [hello(), video(1), hello()], rejects: { at: 2, code: 'WIRE_DUPLICATE_HELLO' } },
  { name: 'duplicate track id', messages: [hello(), video(1), audio(1)], rejects: { at: 2, code: 'WIRE_DUPLICATE_TRACK' } },
  { name: 'frame on an undeclared track', messages: [hello(), video(1), frame(2, 0, true)], rejects: { at: 2, code: 'WIRE_UNDECLARED_TRACK' } },
  { name: 'first video frame is a delta frame', messages: [video(1), frame(1, 0, false)], rejects: { at: 1, code: 'WIRE_FIRST_FRAME_NOT_KEY' } },
  { name: 'first audio frame need not be key', messages: [audio(2), frame(2, 0, false)], rejects: null },
  { name: 'equal timestamps', messages: [video(1), frame(1, 0, true), frame(1, 0, false)], rejects: { at: 2, code: 'WIRE_TIMESTAMP_BACKWARDS' } },
  { name: 'timestamp goes back', messages: [video(1), frame(1, 100, true), frame(1, 99, false)], rejects: { at: 2, code: 'WIRE_TIMESTAMP_BACKWARDS' } },
  { name: 'timestamps are per track', messages: [video(1), audio(2), frame(1, 100, true), frame(2, 50, true), frame(1, 200, false), frame(2, 60, true)], rejects: null },
  { name: 'negative timestamps increase too', messages: [video(1), frame(1, -100, true), frame(1, -50, false)], rejects: null },
  {
    // Decode order I P B B (display 0 3 1 2): presentation timestamps go back, decode timestamps (timestamp − offset) rise.
    name: 'B-frames: presentation order goes back, decode order rises',
    messages: [video(1), bframe(1, 100, 100, true), bframe(1, 400, 300, false), bframe(1, 200, 0, false), bframe(1, 300, 0, false)],
    rejects: null,
  },
  {
    name: 'B-frames: a decode timestamp that goes back',
    messages: [video(1), bframe(1, 100, 100, true), bframe(1, 400, 300, false), bframe(1, 200, 100, false)],
    rejects: { at: 3, code: 'WIRE_TIMESTAMP_BACKWARDS' },
  },
  { name: 'compositionOffset on an audio frame', messages: [audio(2), bframe(2, 100, 20, false)], rejects: { at: 1, code: 'WIRE_BAD_FIELD' } },
];
