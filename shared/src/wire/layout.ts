import type { WireMessageType } from './messages.ts';

/**
 * Byte layout constants shared by the encoder and the decoders (shared/PROTOCOL.md).
 * All integers are big-endian (network byte order, RFC 1700 / RFC 9000 §16 convention).
 */

/** The u32 length prefix in front of every message; its value counts the type byte and the body. */
export const PREFIX_BYTES = 4;

/** Type byte per message. 0x00 is reserved so that a zero-filled buffer never decodes. */
export const WIRE_TYPE_CODES = {
  hello: 0x01,
  'hello-ok': 0x02,
  error: 0x03,
  track: 0x04,
  frame: 0x05,
  stats: 0x06,
  ack: 0x07,
  status: 0x08,
  goodbye: 0x09,
} as const satisfies Record<WireMessageType, number>;

export const FRAME_TYPE_CODE = WIRE_TYPE_CODES.frame;

/** Frame body before the payload: track id u8, flags u8, timestamp i64, duration u32. */
export const FRAME_FIELDS_BYTES = 1 + 1 + 8 + 4;

/** Everything in front of a frame payload: prefix, type byte and the frame fields (without compositionOffset). */
export const FRAME_HEADER_BYTES = PREFIX_BYTES + 1 + FRAME_FIELDS_BYTES;

/**
 * Frame flags byte: bit 0 = keyframe; bit 1 = a u32 compositionOffset follows `duration` (B-frames);
 * the other bits are reserved and must be zero.
 */
export const FRAME_FLAG_KEYFRAME = 0x01;
export const FRAME_FLAG_COMPOSITION_OFFSET = 0x02;
/** The optional compositionOffset field (u32 µs) after `duration`. */
export const FRAME_COMPOSITION_OFFSET_BYTES = 4;

/** Track kind byte. */
export const TRACK_KIND_VIDEO = 0;
export const TRACK_KIND_AUDIO = 1;

export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
/** 2^32, to split 64-bit integers into two 32-bit halves. */
export const TWO_POW_32 = 0x1_0000_0000;
