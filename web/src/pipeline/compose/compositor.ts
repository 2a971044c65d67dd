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
  framesOut = 0;
  composeMs: number[] = [];

  constructor(options: CompositorOptions) {
    this.#options = options;
    this.#canvas = options.canvas;
    this.#canvas.width = options.output.width;
    this.#canvas.height = options.output.height;
    this.#renderer = createRenderer(this.#canvas, options.renderer);
    this.#pip = defaultPip(options.output);
    this.#clock = new FrameClock(options.fps, () => { this.#emit(); });
  }

  get rendererKind(): RendererKind { return this.#renderer.kind; }
  get layers(): readonly Layer[] { return this.#layers; }
  get missedTicks(): number { return this.#clock.missed; }
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
    this.#options = { ...this.#options, output, fps };
    this.#clock = new FrameClock(fps, () => { this.#emit(); });
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
    const started = performance.now();
    const pictures = new Map<string, Drawable>();
    for (const [id, source] of this.#sources) {
      const picture = source.latest;
      if (picture) pictures.set(id, picture);
    }
    this.#renderer.draw(this.#layers, pictures);
    const frame = new VideoFrame(this.#canvas, {
      timestamp: this.#options.clock.now(),
      duration: Math.round(1e6 / this.#options.fps),
    });
    this.composeMs.push(performance.now() - started);
    if (this.composeMs.length > 600) this.composeMs.splice(0, 300);
    return frame;
  }

  #emit(): void {
    const frame = this.compose();
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
