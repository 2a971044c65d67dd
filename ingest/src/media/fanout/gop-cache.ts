import type { FlvTag } from '../flv/flv-tag-reader.ts';

/**
 * The stream's headers (onMetaData, AVC and AAC sequence headers) and the latest group of pictures,
 * so a destination that (re)connects or is added while live starts at once with a keyframe instead
 * of waiting up to a keyframe interval. Bounded in bytes: past the cap the group is dropped and the
 * cache waits for the next keyframe.
 */
export class GopCache {
  readonly #maxBytes: number;
  #metadata: FlvTag | null = null;
  #videoHeader: FlvTag | null = null;
  #audioHeader: FlvTag | null = null;
  #gop: FlvTag[] = [];
  #gopBytes = 0;
  #collecting = false;

  constructor(maxBytes = 32 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  add(tag: FlvTag): void {
    if (tag.kind === 'script') { this.#metadata = tag; return; }
    if (tag.sequenceHeader) {
      if (tag.kind === 'video') this.#videoHeader = tag;
      else this.#audioHeader = tag;
      return;
    }
    if (tag.keyframe) { this.#gop = []; this.#gopBytes = 0; this.#collecting = true; }
    if (!this.#collecting) return;
    this.#gop.push(tag);
    this.#gopBytes += tag.data.length;
    if (this.#gopBytes > this.#maxBytes) { this.#gop = []; this.#gopBytes = 0; this.#collecting = false; }
  }

  /** Headers first, then the cached group (starting with its keyframe), in stream order. */
  snapshot(): { readonly headers: FlvTag[]; readonly gop: readonly FlvTag[] } {
    const headers = [this.#metadata, this.#videoHeader, this.#audioHeader].filter((t): t is FlvTag => t !== null);
    return { headers, gop: this.#gop.slice() };
  }

  get bytes(): number {
    return this.#gopBytes;
  }
}
