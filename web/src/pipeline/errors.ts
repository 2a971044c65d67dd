import { errorRegistry, type ErrorCode } from '@streamhub/shared';

/**
 * Error codes the engine reports in `error` events: the STUDIO block of the one error registry
 * (shared/src/errors/registry.ts), where recovery is decided: fatal ones end the live session /
 * recording; the others are reported and the engine goes on.
 */
export type EngineErrorCode = Extract<ErrorCode, `STUDIO_${string}`>;

export const engineErrors: { readonly [C in EngineErrorCode]: { readonly fatal: boolean; readonly message: string } } = {
  STUDIO_WORKER_CRASHED: errorRegistry.STUDIO_WORKER_CRASHED,
  STUDIO_ENCODER_FAILED: errorRegistry.STUDIO_ENCODER_FAILED,
  STUDIO_CAPTURE_FAILED: errorRegistry.STUDIO_CAPTURE_FAILED,
  STUDIO_TRANSPORT_FAILED: errorRegistry.STUDIO_TRANSPORT_FAILED,
  STUDIO_RECORDING_FAILED: errorRegistry.STUDIO_RECORDING_FAILED,
  STUDIO_INGEST_ERROR: errorRegistry.STUDIO_INGEST_ERROR,
  STUDIO_OUTPUT_IGNORED: errorRegistry.STUDIO_OUTPUT_IGNORED,
};

/** The `error` event for a code; `detail` must not contain secrets (tokens, keys). */
export function engineError(code: EngineErrorCode, detail?: string): { type: 'error'; code: EngineErrorCode; message: string; fatal: boolean } {
  const spec = engineErrors[code];
  return { type: 'error', code, message: detail ? `${spec.message} (${detail})` : spec.message, fatal: spec.fatal };
}
