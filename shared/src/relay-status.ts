/**
 * Live state of a stream session and each of its destinations, as the relay reports it
 * (`GET /api/stream/status`, the `status` wire message, the studio's health panel).
 */
export type DestinationState =
  | { readonly state: 'connecting' }
  | { readonly state: 'live'; readonly sinceMs: number }
  | { readonly state: 'retrying'; readonly retryInMs: number; readonly attempt: number; readonly lastError: string }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'stopped' };

export interface DestinationStatus {
  readonly id: string;
  readonly name: string;
  readonly platform: string;
  /** Target URL with the stream key masked. */
  readonly redactedUrl: string;
  readonly status: DestinationState;
  readonly bitrateKbps: number;
  readonly fps: number;
  readonly framesSent: number;
  readonly framesDropped: number;
  readonly bytesSent: number;
  readonly reconnects: number;
  readonly uptimeMs: number;
}

export type HealthWarningCode =
  | 'HEALTH_KEYFRAME_INTERVAL'
  | 'HEALTH_BITRATE_RANGE'
  | 'HEALTH_SAMPLE_RATE'
  | 'HEALTH_TIMESTAMPS_BACKWARDS';

export interface HealthWarning {
  readonly code: HealthWarningCode;
  readonly message: string;
  readonly destinationId?: string;
}

export interface InputStats {
  readonly bitrateKbps: number;
  readonly fps: number;
  readonly keyframeIntervalSeconds: number;
  readonly framesReceived: number;
  readonly bytesReceived: number;
  readonly audioSampleRate: number | null;
}

export interface SessionStatus {
  readonly sessionId: string;
  readonly state: 'waiting' | 'live' | 'ended';
  readonly startedAtMs: number | null;
  readonly input: InputStats;
  readonly destinations: readonly DestinationStatus[];
  readonly warnings: readonly HealthWarning[];
}
