import { errorRegistry, type AppErrorShape, type ErrorCode } from '../errors/registry.ts';
import type { WireMessage } from './messages.ts';

/** Every `WIRE_*` code of the error registry. */
export type WireErrorCode = Extract<ErrorCode, `WIRE_${string}`>;

/** A wire decoding or validation error: a registry code plus a detail that never contains field contents. */
export type WireError = AppErrorShape<WireErrorCode>;

/** Result of decoding one message; decoding never throws. */
export type WireDecodeResult =
  | { readonly ok: true; readonly message: WireMessage }
  | { readonly ok: false; readonly error: WireError };

/** What `WireDecoder.push` yields: whole messages, or one terminal error. */
export type WireDecodeItem = WireDecodeResult;

export const wireError = (code: WireErrorCode, detail: string): WireError => ({ code, message: detail });

export const isWireErrorCode = (code: string): code is WireErrorCode =>
  code.startsWith('WIRE_') && Object.hasOwn(errorRegistry, code);

/**
 * Thrown by the encoders only, for a message our own code built wrongly (a field out of range, a
 * string that does not fit, a message above the cap). Decoding never throws.
 */
export class WireEncodeError extends Error {
  readonly code: WireErrorCode;

  constructor(code: WireErrorCode, detail: string) {
    super(detail);
    this.name = 'WireEncodeError';
    this.code = code;
  }
}
