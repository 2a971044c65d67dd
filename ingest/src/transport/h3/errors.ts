/**
 * HTTP/3 and QPACK error codes (RFC 9114 §8.1, RFC 9204 §6) and the one error type every decoder
 * in this folder throws. Incomplete input is never an error: incremental readers return
 * `undefined` and wait for more bytes.
 */
export const H3ErrorCode = {
  NO_ERROR: 0x100,
  GENERAL_PROTOCOL_ERROR: 0x101,
  INTERNAL_ERROR: 0x102,
  STREAM_CREATION_ERROR: 0x103,
  CLOSED_CRITICAL_STREAM: 0x104,
  FRAME_UNEXPECTED: 0x105,
  FRAME_ERROR: 0x106,
  EXCESSIVE_LOAD: 0x107,
  ID_ERROR: 0x108,
  SETTINGS_ERROR: 0x109,
  MISSING_SETTINGS: 0x10a,
  REQUEST_REJECTED: 0x10b,
  REQUEST_CANCELLED: 0x10c,
  REQUEST_INCOMPLETE: 0x10d,
  MESSAGE_ERROR: 0x10e,
  CONNECT_ERROR: 0x10f,
  QPACK_DECOMPRESSION_FAILED: 0x200,
  QPACK_ENCODER_STREAM_ERROR: 0x201,
  QPACK_DECODER_STREAM_ERROR: 0x202,
  /** draft-ietf-webtrans-http3-02 §4.4 (WEBTRANSPORT_BUFFERED_STREAM_REJECTED). */
  WEBTRANSPORT_BUFFERED_STREAM_REJECTED: 0x3994bd84,
} as const;

export type H3ErrorCodeValue = (typeof H3ErrorCode)[keyof typeof H3ErrorCode];

/** A protocol violation by the peer; `code` is the HTTP/3 error code to close the stream/connection with. */
export class H3Error extends Error {
  override readonly name = 'H3Error';
  readonly code: H3ErrorCodeValue;

  constructor(code: H3ErrorCodeValue, message: string) {
    super(message);
    this.code = code;
  }
}
