import type { WirePacket } from '../packetize/packetizer.ts';

export interface SendQueueOptions {
  /** Packets held before non-key video is dropped. */
  readonly maxPackets: number;
  /**
   * Most media (µs of session-clock time, oldest queued frame to newest pushed one) held while the
   * link is down or far behind; older audio and video are dropped. Default 5 s: longer than the
   * 3 s WebTransport → WebSocket fallback, so a first connection loses nothing, and a live
   * stream has no use for audio older than that.
   */
  readonly maxBacklogUs?: number;
  /** Called on the first drop of a run, so the encoder can send a fresh keyframe. */
  readonly onDropStart?: () => void;
}

export const DEFAULT_MAX_BACKLOG_US = 5_000_000;

/**
 * Bounded send queue, in packets and in time. When full, non-key video is dropped until the next
 * keyframe (frames after a gap can't be decoded without one); audio, keyframes and control
 * messages get in, so a slow link costs video frames, never audio or a stalled encoder. Audio is
 * dropped only once the backlog is older than `maxBacklogUs` (an outage: nothing is being
 * sent) or on reconnect, when the stream resumes at the newest keyframe. Every drop is counted
 * by kind.
 */
export class SendQueue {
  readonly #items: WirePacket[] = [];
  readonly #options: SendQueueOptions;
  readonly #maxBacklogUs: number;
  #waitingForKey = false;
  readonly #waiters: (() => void)[] = [];
  #closed = false;
  /** Frames dropped, by kind (control messages are never counted: they are re-sent). */
  readonly droppedByKind = { video: 0, audio: 0 };

  constructor(options: SendQueueOptions) {
    this.#options = options;
    this.#maxBacklogUs = options.maxBacklogUs ?? DEFAULT_MAX_BACKLOG_US;
  }

  get depth(): number { return this.#items.length; }

  /** Frames dropped, audio and video. */
  get dropped(): number { return this.droppedByKind.video + this.droppedByKind.audio; }

  push(packet: WirePacket): void {
    if (packet.kind === 'video') {
      if (packet.keyframe) this.#waitingForKey = false;
      else if (this.#waitingForKey || this.#items.length >= this.#options.maxPackets) {
        this.#startDropRun();
        this.droppedByKind.video += 1;
        return;
      }
    }
    this.#items.push(packet);
    if (packet.kind !== 'control') this.#trimBacklog(packet.timestamp - this.#maxBacklogUs);
    this.#wakeAll();
  }

  /**
   * For a fresh connection: the decoder on the other side needs a keyframe first, so queued video
   * before the newest queued keyframe is dropped, and queued audio older than that keyframe with
   * it (the stream resumes there). With no keyframe queued, all queued video goes and the queue
   * waits for the next keyframe; audio within the backlog window stays. Queued control messages
   * (track declarations) are dropped too: the connection re-declares every known track first,
   * and a track may be declared only once per session (WIRE_DUPLICATE_TRACK).
   */
  resetToKeyframe(): void {
    const key = this.#items.findLastIndex((p) => p.kind === 'video' && p.keyframe);
    const resumeAt = this.#items[key]?.timestamp;
    const kept = this.#items.filter((p, i) => {
      if (p.kind === 'control') return false;
      if (p.kind === 'video' && (key < 0 || i < key)) this.droppedByKind.video += 1;
      else if (p.kind === 'audio' && resumeAt !== undefined && p.timestamp < resumeAt) this.droppedByKind.audio += 1;
      else return true;
      return false;
    });
    this.#items.splice(0, this.#items.length, ...kept);
    this.#waitingForKey = key < 0;
  }

  /**
   * Drops media captured before `cutoff`. Video that would then start without a keyframe is
   * dropped up to the first queued keyframe (or all of it, waiting for the next one).
   */
  #trimBacklog(cutoff: number): void {
    const oldest = this.#items.find((p) => p.kind !== 'control');
    if (!oldest || oldest.timestamp >= cutoff) return;
    let needKey = false;
    const kept: WirePacket[] = [];
    for (const p of this.#items) {
      const old = p.kind !== 'control' && p.timestamp < cutoff;
      if (p.kind === 'video' && (old || (needKey && !p.keyframe))) {
        needKey = true;
        this.droppedByKind.video += 1;
      } else if (p.kind === 'audio' && old) {
        this.droppedByKind.audio += 1;
      } else {
        if (p.kind === 'video') needKey = false;
        kept.push(p);
      }
    }
    if (needKey) this.#startDropRun();
    this.#items.splice(0, this.#items.length, ...kept);
  }

  #startDropRun(): void {
    if (!this.#waitingForKey) this.#options.onDropStart?.();
    this.#waitingForKey = true;
  }

  /** Next packet, waiting while empty; null after `close()` or once `signal` aborts. */
  async next(signal?: AbortSignal): Promise<WirePacket | null> {
    for (;;) {
      if (this.#closed || signal?.aborted === true) return null;
      const item = this.#items.shift();
      if (item) return item;
      await new Promise<void>((resolve) => {
        const onAbort = () => { resolve(); };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#waiters.push(() => { signal?.removeEventListener('abort', onAbort); resolve(); });
      });
    }
  }

  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  close(): void {
    this.#closed = true;
    this.#items.length = 0;
    this.#wakeAll();
  }
}
