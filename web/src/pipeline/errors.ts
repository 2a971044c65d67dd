/**
 * Error codes the engine reports in `error` events (`<AREA>_<WHAT>`). Recovery is decided here:
 * fatal ones end the live session / recording; the others are reported and the engine goes on.
 */
export const engineErrors = {
  STUDIO_WORKER_CRASHED: { fatal: true, message: 'The studio engine stopped unexpectedly.' },
  STUDIO_ENCODER_FAILED: { fatal: true, message: 'The video or audio encoder failed.' },
  STUDIO_CAPTURE_FAILED: { fatal: false, message: 'A camera, microphone, screen or file could not be captured.' },
  STUDIO_TRANSPORT_FAILED: { fatal: false, message: 'The connection to the ingest failed; reconnecting.' },
  STUDIO_RECORDING_FAILED: { fatal: false, message: 'The local recording failed.' },
  STUDIO_INGEST_ERROR: { fatal: false, message: 'The ingest reported an error.' },
} as const satisfies Record<string, { fatal: boolean; message: string }>;

export type EngineErrorCode = keyof typeof engineErrors;

/** The `error` event for a code; `detail` must not contain secrets (tokens, keys). */
export function engineError(code: EngineErrorCode, detail?: string): { type: 'error'; code: EngineErrorCode; message: string; fatal: boolean } {
  const spec = engineErrors[code];
  return { type: 'error', code, message: detail ? `${spec.message} (${detail})` : spec.message, fatal: spec.fatal };
}
