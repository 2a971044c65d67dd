import type { LayoutMode, Rect } from '../studio-engine.ts';
import type { FrameSource } from '../capture/frame-source.ts';
import type { SessionClock } from '../clock.ts';
import { FrameClock } from './frame-clock.ts';
import { computeLayout, defaultPip } from './layout.ts';
import { createRenderer } from './renderer.ts';
import type { Drawable, Layer, OutputSize, Renderer, RendererKind } from './scene.ts';

export interface CompositorOptions {
  readonly canvas: OffscreenCanvas;
  readonly output: OutputSize;
  readonly fps: number;
  readonly clock: SessionClock;
  readonly renderer?: RendererKind | 'auto';
  /** Receives each composed frame and owns it (must close it). */
  readonly onFrame: (frame: VideoFrame) => void;
  /**
   * Asked before each slot is drawn: when the consumer would drop the frame anyway (encoder queue
   * full), the slot is not drawn and `onRefused` counts it, so a busy machine is not given
   * more work.
   */
  readonly accepts?: () => boolean;
  readonly onRefused?: () => void;
}

/** Draws the scene on every clock tick and hands out one VideoFrame per tick. */
export class Compositor {
  readonly #sources = new Map<string, FrameSource>();
  #options: CompositorOptions;
  #clock: FrameClock;
  #renderer: Renderer;
  #canvas: OffscreenCanvas;
  #mode: LayoutMode = 'solo';
  #pip: Rect;
  #layers: Layer[] = [];
  #lastContentEpochMs = Number.NEGATIVE_INFINITY;
  #lastTimestampUs = Number.NEGATIVE_INFINITY;
  #missedBefore = 0;
  #lateBefore = 0;
  #maxLateBefore = 0;
  framesOut = 0;
  composeMs: number[] = [];

  constructor(options: CompositorOptions) {
    this.#options = options;
    this.#canvas = options.canvas;
    this.#canvas.width = options.output.width;
    this.#canvas.height = options.output.height;
    this.#renderer = createRenderer(this.#canvas, options.renderer);
    this.#pip = defaultPip(options.output);
    this.#clock = this.#newClock(options.fps);
  }

  get rendererKind(): RendererKind { return this.#renderer.kind; }
  get layers(): readonly Layer[] { return this.#layers; }
  /** Clock slots skipped (real drops); `lateTicks` were produced late but for their slot. */
  get missedTicks(): number { return this.#missedBefore + this.#clock.missed; }
  get lateTicks(): number { return this.#lateBefore + this.#clock.late; }
  get maxLateMs(): number { return Math.max(this.#maxLateBefore, this.#clock.maxLateMs); }
  /** Source frames released without being drawn (all sources). */
  get sourceFramesSkipped(): number {
    let skipped = 0;
    for (const source of this.#sources.values()) skipped += source.framesSkipped;
    return skipped;
  }

  #newClock(fps: number): FrameClock {
    return new FrameClock(fps, (_index, dueEpochMs) => { this.#emit(dueEpochMs); });
  }
  get sources(): ReadonlyMap<string, FrameSource> { return this.#sources; }

  /** Draws on a new canvas (e.g. the preview once the UI attaches it). */
  setCanvas(canvas: OffscreenCanvas): void {
    this.#renderer.close();
    canvas.width = this.#options.output.width;
    canvas.height = this.#options.output.height;
    this.#canvas = canvas;
    this.#renderer = createRenderer(canvas, this.#options.renderer);
  }

  /** Changes output size and frame rate (only while nothing is being encoded). */
  setOutput(output: OutputSize, fps: number): void {
    const running = this.#running;
    this.#clock.stop();
    this.#missedBefore += this.#clock.missed;
    this.#lateBefore += this.#clock.late;
    this.#maxLateBefore = Math.max(this.#maxLateBefore, this.#clock.maxLateMs);
    this.#options = { ...this.#options, output, fps };
    this.#clock = this.#newClock(fps);
    this.setCanvas(this.#canvas);
    this.#relayout();
    if (running) this.start();
  }

  addSource(source: FrameSource): void {
    this.#sources.set(source.id, source);
    source.onResize = () => { this.#relayout(); };
    this.#relayout();
  }

  removeSource(id: string): void {
    const source = this.#sources.get(id);
    if (!source) return;
    this.#sources.delete(id);
    this.#renderer.forget(id);
    source.close();
    this.#relayout();
  }

  setLayout(mode: LayoutMode): void { this.#mode = mode; this.#relayout(); }
  setPip(rect: Rect): void { this.#pip = rect; this.#relayout(); }

  #relayout(): void {
    const sources = [...this.#sources.values()].map((s) => ({ id: s.id, kind: s.kind, width: s.width, height: s.height }));
    this.#layers = computeLayout({ mode: this.#mode, sources, pip: this.#pip, output: this.#options.output });
  }

  /** Draws the current scene and returns it as a frame stamped on the session clock. Caller closes it. */
  compose(): VideoFrame {
    return this.#composeAt(performance.timeOrigin + performance.now());
  }

  /**
   * Draws what was on screen at `slotEpochMs` (each source's newest picture captured by then) and
   * stamps the frame with the capture time of its newest picture, so video keeps the time it was
   * captured, as audio does, rather than the time of the tick that drew it (which trailed by
   * half a frame on average). A frame with nothing newer than the last one (a still scene, a
   * source slower than the output) is stamped with the slot time. Both stay inside the slot
   * (after the previous slot's time), so timestamps increase strictly.
   */
  #composeAt(slotEpochMs: number): VideoFrame {
    const started = performance.now();
    const pictures = new Map<string, Drawable>();
    let newest = Number.NEGATIVE_INFINITY;
    for (const [id, source] of this.#sources) {
      const held = source.pictureAt(slotEpochMs);
      if (!held) continue;
      pictures.set(id, held.picture);
      newest = Math.max(newest, held.capturedEpochMs);
    }
    this.#renderer.draw(this.#layers, pictures);
    const fresh = newest > this.#lastContentEpochMs;
    if (fresh) this.#lastContentEpochMs = newest;
    const at = this.#sessionUs(fresh ? Math.min(newest, slotEpochMs) : slotEpochMs);
    const timestamp = Math.max(at, this.#lastTimestampUs + MIN_FRAME_GAP_US);
    this.#lastTimestampUs = timestamp;
    const frame = new VideoFrame(this.#canvas, { timestamp, duration: Math.round(1e6 / this.#options.fps) });
    this.composeMs.push(performance.now() - started);
    if (this.composeMs.length > 600) this.composeMs.splice(0, 300);
    return frame;
  }

  #sessionUs(epochMs: number): number {
    return Math.round((epochMs - this.#options.clock.originEpochMs) * 1000);
  }

  #emit(slotEpochMs: number): void {
    if (this.#options.accepts?.() === false) {
      this.#options.onRefused?.();
      return;
    }
    const frame = this.#composeAt(slotEpochMs);
    this.framesOut += 1;
    this.#options.onFrame(frame);
  }

  #running = false;
  start(): void { this.#running = true; this.#clock.start(); }
  stop(): void { this.#running = false; this.#clock.stop(); }

  close(): void {
    this.#clock.stop();
    for (const source of this.#sources.values()) source.close();
    this.#sources.clear();
    this.#renderer.close();
  }
}

/** FLV and RTMP carry milliseconds (FLV spec v10.1 §E.4.1): frames at least 1 ms apart keep distinct times. */
const MIN_FRAME_GAP_US = 1000;
