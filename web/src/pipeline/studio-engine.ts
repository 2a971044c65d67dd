/**
 * The one facade the UI calls (types only here; the engine implements it). Media objects never
 * cross into Vue reactivity: the UI holds the engine with `markRaw`/`shallowRef` and copies
 * plain values out of events.
 */
import type { SessionStatus } from '@streamhub/shared/relay-status';

export type LayoutMode = 'solo' | 'side-by-side' | 'picture-in-picture' | 'grid' | 'screen-camera';
export type SourceKind = 'camera' | 'microphone' | 'screen' | 'image' | 'video';

export interface Rect { x: number; y: number; width: number; height: number }

export interface SourceInfo {
  readonly id: string;
  readonly kind: SourceKind;
  readonly label: string;
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
}

export interface OutputSettings {
  readonly width: 1280 | 1920;
  readonly height: 720 | 1080;
  readonly fps: 30 | 60;
  readonly videoBitrateKbps: number;
  readonly audioBitrateKbps: number;
}

export interface IngestTarget {
  readonly webtransportUrl: string;
  readonly websocketUrl: string;
  readonly token: string;
  readonly certificateHashes: readonly { readonly algorithm: 'sha-256'; readonly value: string }[];
}

export interface EngineStats {
  readonly fpsIn: number;
  readonly fpsOut: number;
  readonly encodeMsP50: number;
  readonly encodeMsP95: number;
  readonly videoQueueDepth: number;
  readonly sendQueueDepth: number;
  readonly framesDropped: number;
  readonly videoBitrateKbps: number;
  readonly sendLatencyMs: number | null;
  readonly rttMs: number | null;
  readonly transport: 'webtransport' | 'websocket' | null;
  /** Compositor draw time per frame (worker). */
  readonly composeMsP50?: number;
  readonly composeMsP95?: number;
  /**
   * `framesDropped` (video) split by where: encoder queue full, send queue full, compositor ticks
   * missed; `sendAudio`: audio frames the send queue dropped (outage longer than its backlog window).
   */
  readonly dropsBy?: { readonly encoder: number; readonly send: number; readonly clock: number; readonly sendAudio?: number };
  /**
   * Compositor slots produced more than one frame interval late (still for their slot, so not
   * drops) and the most overdue one; source frames replaced before they were ever drawn.
   */
  readonly clockLate?: { readonly frames: number; readonly maxMs: number; readonly sourceFramesSkipped: number };
  /** Bytes the local recording has written so far; only while recording. */
  readonly recordingBytes?: number;
}

export interface AudioLevels { readonly [sourceId: string]: { readonly peak: number; readonly rms: number } }

export type EngineEvent =
  | { readonly type: 'stats'; readonly stats: EngineStats }
  | { readonly type: 'levels'; readonly levels: AudioLevels }
  | { readonly type: 'relay-status'; readonly status: SessionStatus }
  | { readonly type: 'transport'; readonly state: 'connecting' | 'connected' | 'fallback-websocket' | 'reconnecting' | 'closed'; readonly detail?: string }
  | { readonly type: 'recording'; readonly state: 'recording' | 'stopped'; readonly bytesWritten: number }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly fatal: boolean };

export interface StudioEngine {
  /** Attaches the preview: the compositor's output is drawn to this canvas (transferred to the worker). */
  attachPreview(canvas: HTMLCanvasElement): Promise<void>;
  addCamera(deviceId?: string): Promise<SourceInfo>;
  addMicrophone(deviceId?: string): Promise<SourceInfo>;
  addScreen(): Promise<SourceInfo>;
  addImage(file: Blob, label: string): Promise<SourceInfo>;
  addVideo(file: Blob, label: string): Promise<SourceInfo>;
  removeSource(id: string): Promise<void>;
  setLayout(mode: LayoutMode): Promise<void>;
  /** PIP geometry in output pixel space. */
  setPipRect(rect: Rect): Promise<void>;
  setGain(sourceId: string, gain: number): void;
  setMuted(sourceId: string, muted: boolean): void;
  /**
   * Applies `output` and connects. If a recording already runs the encoders, its settings stay
   * (changing them would change the recording mid-file) and a non-fatal `STUDIO_OUTPUT_IGNORED`
   * error event says so when `output` differs.
   */
  goLive(target: IngestTarget, output: OutputSettings): Promise<void>;
  stopLive(): Promise<void>;
  startRecording(): Promise<void>;
  /** Stops and returns the finished MP4. */
  stopRecording(): Promise<Blob>;
  on(listener: (event: EngineEvent) => void): () => void;
  close(): Promise<void>;
}
