import type { FlvTag } from '../flv/flv-tag-reader.ts';

/**
 * Per-destination admission of FLV tags (OBS `rtmp-stream.c` drop_frames; MediaMTX stream reader):
 * headers, audio and keyframes always pass; above `softQueueBytes` of unsent data, non-key video is
 * dropped until the next keyframe that finds the queue below the limit. A fresh connection waits
 * for a keyframe before any media, so every stream a destination receives starts decodable.
 */
export class DropPolicy {
  readonly #softQueueBytes: number;
  #awaitingKeyframe: boolean;
  #dropping = false;
  dropped = 0;

  constructor(softQueueBytes: number, awaitKeyframe: boolean) {
    this.#softQueueBytes = softQueueBytes;
    this.#awaitingKeyframe = awaitKeyframe;
  }

  admit(tag: FlvTag, pendingBytes: number): boolean {
    if (tag.kind === 'script' || tag.sequenceHeader) return true;
    if (this.#awaitingKeyframe) {
      if (!tag.keyframe) return false;
      this.#awaitingKeyframe = false;
    }
    if (tag.kind !== 'video') return true;
    if (tag.keyframe) {
      this.#dropping = pendingBytes > this.#softQueueBytes;
      return true;
    }
    if (this.#dropping || pendingBytes > this.#softQueueBytes) {
      this.#dropping = true;
      this.dropped++;
      return false;
    }
    return true;
  }
}
