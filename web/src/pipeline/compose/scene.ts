import type { LayoutMode, Rect, SourceKind } from '../studio-engine.ts';

/** One drawable layer of the scene. `rect` is in output pixels, `crop` in source pixels. */
export interface Layer {
  readonly sourceId: string;
  readonly rect: Rect;
  readonly crop: Rect;
  /** 0..1 */
  readonly opacity: number;
  /** Higher draws later (on top). */
  readonly z: number;
  readonly visible: boolean;
}

/** What the layout function needs to know about a video source. */
export interface VideoSourceShape {
  readonly id: string;
  readonly kind: SourceKind;
  readonly width: number;
  readonly height: number;
}

export interface OutputSize { readonly width: number; readonly height: number }

export interface SceneInput {
  readonly mode: LayoutMode;
  /** Video sources in the order they were added. */
  readonly sources: readonly VideoSourceShape[];
  /** PIP geometry in output pixel space (used by picture-in-picture and screen-camera). */
  readonly pip: Rect;
  readonly output: OutputSize;
}

export type Drawable = VideoFrame | ImageBitmap;
export type RendererKind = 'webgl2' | '2d';

/** Draws a scene to the compositor canvas. WebGL2 leaves room for shaders (chroma key, blur). */
export interface Renderer {
  readonly kind: RendererKind;
  /** Draws visible layers in z order; layers whose source has no picture yet are skipped. */
  draw(layers: readonly Layer[], sources: ReadonlyMap<string, Drawable>): void;
  /** Frees GPU resources held for a removed source. */
  forget(sourceId: string): void;
  close(): void;
}

