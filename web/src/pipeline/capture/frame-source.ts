import type { SourceKind } from '../studio-engine.ts';
import type { Drawable } from '../compose/scene.ts';
import { CaptureTimeline } from './capture-timeline.ts';

/** A picture and when it was captured (epoch ms, `performance.timeOrigin + now()` scale). */
export interface Picture {
  readonly picture: Drawable;
  /** −∞ for still images: they never make a composed frame "new". */
  readonly capturedEpochMs: number;
}

/**
 * Pictures held per source so a compositor tick that runs late can still draw what was on
 * screen at its slot time (≈ 200 ms at 30 fps; the capture pipeline drops older ones itself).
 */
const MAX_HELD = 6;

/**
 * A video source inside the worker. Frames come from a MediaStreamTrackProcessor's
 * ReadableStream transferred from the main thread; each carries its capture time. The newest few
 * are held; each released one is closed here (we received it, we close it).
 */
export class FrameSource {
  readonly id: string;
  readonly kind: SourceKind;
  readonly #held: Picture[] = [];
  readonly #timeline = new CaptureTimeline();
  #reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
  framesIn = 0;
  /** Frames released without ever being drawn (superseded while the compositor was behind). */
  framesSkipped = 0;
  #drawn = new WeakSet<Drawable>();
  width = 0;
  height = 0;
  onResize: (() => void) | null = null;

  constructor(id: string, kind: SourceKind) {
    this.id = id;
    this.kind = kind;
  }

  static fromImage(id: string, kind: SourceKind, image: ImageBitmap): FrameSource {
    const source = new FrameSource(id, kind);
    source.#add({ picture: image, capturedEpochMs: Number.NEGATIVE_INFINITY });
    return source;
  }

  static fromStream(id: string, kind: SourceKind, frames: ReadableStream<VideoFrame>): FrameSource {
    const source = new FrameSource(id, kind);
    source.#reader = frames.getReader();
    void source.#pump(source.#reader);
    return source;
  }

  /**
   * The newest picture captured at or before `epochMs` (else the oldest held), for the frame of
   * that slot. Older pictures are released: slots are asked for in increasing order.
   */
  pictureAt(epochMs: number): Picture | null {
    let index = 0;
    while (index + 1 < this.#held.length && (this.#held[index + 1]?.capturedEpochMs ?? Infinity) <= epochMs) index += 1;
    this.#release(index);
    const chosen = this.#held[0] ?? null;
    if (chosen) this.#drawn.add(chosen.picture);
    return chosen;
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
        this.#add({ picture: value, capturedEpochMs: this.#timeline.captured(value.timestamp, performance.timeOrigin + performance.now()) });
      }
    } catch {
      // The stream errors when the track ends or the source is removed: nothing to recover.
    }
  }

  #add(next: Picture): void {
    this.#held.push(next);
    if (this.#held.length > MAX_HELD) this.#release(this.#held.length - MAX_HELD);
    const { picture } = next;
    const width = 'displayWidth' in picture ? picture.displayWidth : picture.width;
    const height = 'displayHeight' in picture ? picture.displayHeight : picture.height;
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.onResize?.();
    }
  }

  /** Closes the `count` oldest held pictures. */
  #release(count: number): void {
    for (const { picture } of this.#held.splice(0, count)) {
      if (!this.#drawn.has(picture)) this.framesSkipped += 1;
      picture.close();
    }
  }

  close(): void {
    const reader = this.#reader;
    this.#reader = null;
    if (reader) void reader.cancel().catch(() => undefined);
    this.#release(this.#held.length);
  }
}
