import { decodeTimestampOf, type FrameMessage } from '@streamhub/shared';

/** Frames to send together at `atUs` (media time). */
export interface Release {
  readonly atUs: number;
  readonly frames: FrameMessage[];
}

/**
 * Paces interleaved frames the way the studio sends them (web LiveTransport `audioHoldMs`): each
 * audio frame waits for the next video frame and leaves with it, at the video frame's time, or
 * alone once the oldest held frame has waited `holdUs` (video paused). The ingest then gets one
 * burst per video frame instead of one more per 20 ms audio frame. `holdUs` 0 (or no audio track
 * id) releases every frame at its own time. Used by the publisher CLI and the relay bench.
 */
export class AudioWithVideo {
  readonly #audioTrackId: number | undefined;
  readonly #holdUs: number;
  readonly #held: FrameMessage[] = [];

  constructor(audioTrackId: number | undefined, holdUs: number) {
    this.#audioTrackId = audioTrackId;
    this.#holdUs = holdUs;
  }

  /** The releases `frame` (next in decode-timestamp order) causes, in order. Times are decode times (B-frames leave in decode order). */
  add(frame: FrameMessage): Release[] {
    const held = this.#audioTrackId !== undefined && this.#holdUs > 0 && frame.trackId === this.#audioTrackId;
    const oldest = this.#held[0]?.timestamp;
    const atUs = decodeTimestampOf(frame);
    const releases: Release[] = [];
    // The hold ran out before this frame: what is held left alone at the end of its hold.
    if (oldest !== undefined && atUs - oldest >= this.#holdUs) releases.push({ atUs: oldest + this.#holdUs, frames: this.#held.splice(0) });
    if (held) this.#held.push(frame);
    else releases.push({ atUs, frames: [...this.#held.splice(0), frame] });
    return releases;
  }

  /** End of input: what is still held, at the end of its hold. */
  end(): Release | null {
    const oldest = this.#held[0]?.timestamp;
    return oldest === undefined ? null : { atUs: oldest + this.#holdUs, frames: this.#held.splice(0) };
  }
}
