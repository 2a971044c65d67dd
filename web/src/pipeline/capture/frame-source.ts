import type { SourceKind } from '../studio-engine.ts';
import type { Drawable } from '../compose/scene.ts';

/**
 * A video source inside the worker: keeps only the newest picture. Frames come from a
 * MediaStreamTrackProcessor's ReadableStream transferred from the main thread; each replaced or
 * discarded frame is closed here (we received it, we close it).
 */
export class FrameSource {
  readonly id: string;
  readonly kind: SourceKind;
  #latest: Drawable | null = null;
  #reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
  framesIn = 0;
  width = 0;
  height = 0;
  onResize: (() => void) | null = null;

  constructor(id: string, kind: SourceKind) {
    this.id = id;
    this.kind = kind;
  }

  static fromImage(id: string, kind: SourceKind, image: ImageBitmap): FrameSource {
    const source = new FrameSource(id, kind);
    source.#replace(image);
    return source;
  }

  static fromStream(id: string, kind: SourceKind, frames: ReadableStream<VideoFrame>): FrameSource {
    const source = new FrameSource(id, kind);
    source.#reader = frames.getReader();
    void source.#pump(source.#reader);
    return source;
  }

  get latest(): Drawable | null {
    return this.#latest;
  }

  async #pump(reader: ReadableStreamDefaultReader<VideoFrame>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (this.#reader !== reader) {
          value.close();
          return;
        }
        this.framesIn += 1;
        this.#replace(value);
      }
    } catch {
      // The stream errors when the track ends or the source is removed: nothing to recover.
    }
  }

  #replace(next: Drawable): void {
    const previous = this.#latest;
    this.#latest = next;
    previous?.close();
    const width = 'displayWidth' in next ? next.displayWidth : next.width;
    const height = 'displayHeight' in next ? next.displayHeight : next.height;
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.onResize?.();
    }
  }

  close(): void {
    const reader = this.#reader;
    this.#reader = null;
    if (reader) void reader.cancel().catch(() => undefined);
    this.#latest?.close();
    this.#latest = null;
  }
}
