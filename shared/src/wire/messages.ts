import { micro, type Micro, type Milli } from '../time.ts';

/**
 * The one internal media unit and its control messages, shared by the studio (browser) and
 * the ingest (Node). Identical over WebTransport and WebSocket. Byte layout: shared/PROTOCOL.md.
 */
export const WIRE_VERSION = 1;

/** Hard cap on one message (prefix excluded) unless a side configures a lower/higher one. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export type TrackKind = 'video' | 'audio';

export interface HelloMessage {
  readonly type: 'hello';
  readonly version: number;
  /** Single-use ingest token minted by `POST /api/stream/start`. */
  readonly token: string;
}

export interface HelloOkMessage {
  readonly type: 'hello-ok';
  readonly sessionId: string;
  /** Largest message the server accepts (after the length prefix). */
  readonly maxMessageBytes: number;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** A `<AREA>_<WHAT>` code from the error registry, e.g. `WIRE_TRUNCATED`, `AUTH_TOKEN_REUSED`. */
  readonly code: string;
  readonly reason: string;
}

interface TrackBase {
  readonly type: 'track';
  /** 0..255, unique within a session. */
  readonly trackId: number;
  /** WebCodecs codec string, e.g. `avc1.42001f`, `opus`, `mp4a.40.2`. */
  readonly codec: string;
  /** Decoder configuration bytes: avcC (ISO 14496-15 §5.3.3.1), OpusHead (RFC 7845 §5.1), AudioSpecificConfig. May be empty. */
  readonly description: Uint8Array;
}

export interface VideoTrackMessage extends TrackBase {
  readonly kind: 'video';
  readonly width: number;
  readonly height: number;
  /** Nominal frames per second (informational; timestamps are authoritative). */
  readonly framerate: number;
}

export interface AudioTrackMessage extends TrackBase {
  readonly kind: 'audio';
  readonly sampleRate: number;
  readonly channels: number;
}

export type TrackMessage = VideoTrackMessage | AudioTrackMessage;

export interface FrameMessage {
  readonly type: 'frame';
  readonly trackId: number;
  /** Presentation timestamp on the session clock. */
  readonly timestamp: Micro;
  readonly duration: Micro;
  readonly keyframe: boolean;
  /**
   * Presentation minus decode time (≥ 0): a frame sent ahead of frames it is shown after (H.264
   * B-frames from a file). Its decode timestamp is `timestamp − compositionOffset`. Absent means 0,
   * as WebCodecs encoders emit; senders leave it out for frames that are not reordered (4 bytes less).
   */
  readonly compositionOffset?: Micro;
  /** Encoded chunk bytes (H.264 in AVC/length-prefixed form, raw Opus/AAC packets). */
  readonly payload: Uint8Array;
}

/** The frame's decode timestamp: `timestamp − compositionOffset` (the timestamp itself without B-frames). */
export const decodeTimestampOf = (frame: Pick<FrameMessage, 'timestamp' | 'compositionOffset'>): Micro =>
  frame.compositionOffset === undefined ? frame.timestamp : micro(frame.timestamp - frame.compositionOffset);

/** Client → server: measures latency and RTT; the server echoes it in an `ack`. */
export interface StatsMessage {
  readonly type: 'stats';
  readonly sequence: number;
  /** Sender's clock when sent. */
  readonly sentAt: Milli;
  /** Capture time of the newest frame sent so far (glass-to-ingest latency). */
  readonly newestCaptureTimestamp: Micro;
  readonly framesSent: number;
  readonly framesDropped: number;
}

/** Server → client: acknowledges receipt up to a point and echoes the `stats` it answers. */
export interface AckMessage {
  readonly type: 'ack';
  readonly sequence: number;
  /** The `sentAt` of the stats message being answered (RTT = now − echoedSentAt). */
  readonly echoedSentAt: Milli;
  readonly framesReceived: number;
  readonly bytesReceived: number;
}

/** Server → client: relay status (per-destination state and stats), JSON-encoded text. */
export interface StatusMessage {
  readonly type: 'status';
  readonly json: string;
}

export interface GoodbyeMessage {
  readonly type: 'goodbye';
  readonly reason: string;
}

export type WireMessage =
  | HelloMessage
  | HelloOkMessage
  | ErrorMessage
  | TrackMessage
  | FrameMessage
  | StatsMessage
  | AckMessage
  | StatusMessage
  | GoodbyeMessage;

export type WireMessageType = WireMessage['type'];
