export * from './time.ts';
export * from './wire/messages.ts';
export * from './errors/registry.ts';
export * from './wire/wire-error.ts';
export { encodeMessage, encodeFrameHeader, frameHeaderBytes, writeFrameHeader, type FrameHeaderFields, type WireEncodeOptions } from './wire/encode.ts';
export { decodeMessage, type WireDecodeOptions } from './wire/decode.ts';
export { FRAME_HEADER_BYTES, PREFIX_BYTES, WIRE_TYPE_CODES } from './wire/layout.ts';
export * from './wire/wire-decoder.ts';
export * from './wire/session-validator.ts';
