import { WIRE_VERSION, decodeTimestampOf, type FrameMessage, type TrackKind, type WireMessage } from './messages.ts';
import { wireError, type WireError } from './wire-error.ts';

export interface WireSessionValidatorOptions {
  /** Require `hello` as the first message (the ingest side of a session). Default false. */
  readonly expectHelloFirst?: boolean;
  /** The protocol version a `hello` must carry. Default WIRE_VERSION. */
  readonly version?: number;
}

interface TrackState {
  readonly kind: TrackKind;
  /** Decode timestamp (timestamp − compositionOffset) of the last accepted frame; undefined before the first. */
  lastDecodeTimestamp: number | undefined;
}

/**
 * Per-session rules that need memory of earlier messages, independent of the transport: feed it
 * every decoded message in order. A message that breaks a rule is reported and not applied (the
 * session state stays as before it); all WIRE_* errors are fatal per the registry, so the caller
 * normally sends `error` and closes.
 *
 * Frames are sent in decode order and their decode timestamps (timestamp − compositionOffset) must
 * strictly increase per track; without B-frames (WebCodecs) that is the timestamp itself.
 */
export class WireSessionValidator {
  readonly #expectHelloFirst: boolean;
  readonly #version: number;
  readonly #tracks = new Map<number, TrackState>();
  #seenHello = false;
  #seenAny = false;

  constructor(options?: WireSessionValidatorOptions) {
    this.#expectHelloFirst = options?.expectHelloFirst ?? false;
    this.#version = options?.version ?? WIRE_VERSION;
  }

  /** Kind of a declared track, or undefined. */
  trackKind(trackId: number): TrackKind | undefined {
    return this.#tracks.get(trackId)?.kind;
  }

  /** Checks one message against the session so far and records it; returns the broken rule, if any. */
  check(message: WireMessage): WireError | undefined {
    if (message.type === 'frame') return this.#checkFrame(message);
    if (this.#expectHelloFirst && !this.#seenAny && message.type !== 'hello') {
      return wireError('WIRE_EXPECTED_HELLO', `first message is ${message.type}, expected hello`);
    }
    if (message.type === 'hello') {
      if (this.#seenHello) return wireError('WIRE_DUPLICATE_HELLO', 'hello sent twice');
      if (message.version !== this.#version) {
        return wireError('WIRE_BAD_VERSION', `protocol version ${message.version}, expected ${this.#version}`);
      }
      this.#seenHello = true;
    } else if (message.type === 'track') {
      if (this.#tracks.has(message.trackId)) return wireError('WIRE_DUPLICATE_TRACK', `track ${message.trackId} declared twice`);
      this.#tracks.set(message.trackId, { kind: message.kind, lastDecodeTimestamp: undefined });
    }
    this.#seenAny = true;
    return undefined;
  }

  #checkFrame(frame: FrameMessage): WireError | undefined {
    if (this.#expectHelloFirst && !this.#seenAny) return wireError('WIRE_EXPECTED_HELLO', 'first message is frame, expected hello');
    const track = this.#tracks.get(frame.trackId);
    if (track === undefined) return wireError('WIRE_UNDECLARED_TRACK', `frame for undeclared track ${frame.trackId}`);
    const offset = frame.compositionOffset ?? 0;
    if (offset > 0 && track.kind !== 'video') {
      return wireError('WIRE_BAD_FIELD', `frame.compositionOffset on audio track ${frame.trackId} (only video frames are reordered)`);
    }
    const decodeTimestamp = decodeTimestampOf(frame);
    if (track.lastDecodeTimestamp === undefined) {
      if (track.kind === 'video' && !frame.keyframe) {
        return wireError('WIRE_FIRST_FRAME_NOT_KEY', `first frame of video track ${frame.trackId} is not a keyframe`);
      }
    } else if (decodeTimestamp <= track.lastDecodeTimestamp) {
      const what = offset > 0 ? 'decode timestamp' : 'timestamp';
      return wireError('WIRE_TIMESTAMP_BACKWARDS', `track ${frame.trackId}: ${what} ${decodeTimestamp} µs after ${track.lastDecodeTimestamp} µs`);
    }
    track.lastDecodeTimestamp = decodeTimestamp;
    return undefined;
  }
}
