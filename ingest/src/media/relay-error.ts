import { errorSpec, type AppErrorShape, type ErrorCode } from '@streamhub/shared';

type RelayCode = Extract<ErrorCode, `RELAY_${string}`>;

/** A relay failure with its registry code; `message` is already redacted (no stream keys). */
export class RelayError extends Error implements AppErrorShape<RelayCode> {
  override readonly name = 'RelayError';
  readonly code: RelayCode;
  readonly fatal: boolean;

  constructor(code: RelayCode, detail?: string) {
    super(detail ?? errorSpec(code).message);
    this.code = code;
    this.fatal = errorSpec(code).fatal;
  }
}
