import type { WirePacket } from '../packetize/packetizer.ts';

export interface SendQueueOptions {
  /** Packets held before non-key video is dropped. */
  readonly maxPackets: number;
  /** Called on the first drop of a run, so the encoder can send a fresh keyframe. */
  readonly onDropStart?: () => void;
}

/**
 * Bounded send queue. When full, non-key video is dropped until the next keyframe (frames after a
 * gap can't be decoded without one); audio, keyframes and control messages always get in. A slow
 * link thus costs video frames, never audio or a stalled encoder.
 */
export class SendQueue {
  readonly #items: WirePacket[] = [];
  readonly #options: SendQueueOptions;
  #waitingForKey = false;
  readonly #waiters: (() => void)[] = [];
  dropped = 0;

  constructor(options: SendQueueOptions) {
    this.#options = options;
  }

  get depth(): number { return this.#items.length; }

  push(packet: WirePacket): void {
    if (packet.kind === 'video') {
      if (packet.keyframe) this.#waitingForKey = false;
      else if (this.#waitingForKey || this.#items.length >= this.#options.maxPackets) {
        if (!this.#waitingForKey) this.#options.onDropStart?.();
        this.#waitingForKey = true;
        this.dropped += 1;
        return;
      }
    }
    this.#items.push(packet);
    this.#wakeAll();
  }

  /**
   * For a fresh connection: the decoder on the other side needs a keyframe first, so queued video
   * before the newest queued keyframe is dropped (or all queued video, waiting for the next
   * keyframe, when none is queued). Queued control messages (track declarations) are dropped
   * too: the connection re-declares every known track first, and a track may be declared only
   * once per session (WIRE_DUPLICATE_TRACK). Audio stays.
   */
  resetToKeyframe(): void {
    let key = -1;
    this.#items.forEach((p, i) => { if (p.kind === 'video' && p.keyframe) key = i; });
    const kept = this.#items.filter((p, i) => p.kind === 'audio' || (p.kind === 'video' && key >= 0 && i >= key));
    this.dropped += this.#items.filter((p) => p.kind === 'video').length - kept.filter((p) => p.kind === 'video').length;
    this.#items.splice(0, this.#items.length, ...kept);
    this.#waitingForKey = key < 0;
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

  #closed = false;

  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  close(): void {
    this.#closed = true;
    this.#items.length = 0;
    this.#wakeAll();
  }
}
