export type { Drawable, Renderer, RendererKind } from './scene.ts';
import type { Drawable, Layer, Renderer, RendererKind } from './scene.ts';
import { createWebGl2Renderer } from './webgl2-renderer.ts';

/** A small layer's picture already scaled to its size, kept while the picture repeats. */
interface Scaled { readonly picture: Drawable; readonly canvas: OffscreenCanvas; readonly key: string }

class Canvas2DRenderer implements Renderer {
  readonly kind = '2d';
  readonly #ctx: OffscreenCanvasRenderingContext2D;
  readonly #scaled = new Map<string, Scaled>();

  constructor(ctx: OffscreenCanvasRenderingContext2D) {
    this.#ctx = ctx;
  }

  draw(layers: readonly Layer[], sources: ReadonlyMap<string, Drawable>): void {
    const ctx = this.#ctx;
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    for (const layer of layers) {
      const source = sources.get(layer.sourceId);
      if (!layer.visible || !source) continue;
      const { crop, rect } = layer;
      ctx.globalAlpha = layer.opacity;
      const scaled = this.#scaledFor(layer, source);
      if (scaled) ctx.drawImage(scaled, rect.x, rect.y);
      else ctx.drawImage(source, crop.x, crop.y, crop.width, crop.height, rect.x, rect.y, rect.width, rect.height);
    }
    ctx.globalAlpha = 1;
  }

  /**
   * Drawing a VideoFrame converts the whole frame to RGB in software (no GPU): 5.6 ms p50 for a
   * 1280×720 I420 camera into a 320×180 PIP, measured. A source slower than the output (the fake
   * camera runs at 20 fps) repeats pictures, so a small layer keeps its picture scaled once and
   * repeats cost a 320×180 copy. Full-size layers are drawn directly: caching would add a copy.
   */
  #scaledFor(layer: Layer, source: Drawable): OffscreenCanvas | null {
    const { crop, rect } = layer;
    const width = Math.round(rect.width);
    const height = Math.round(rect.height);
    if (width * height * 4 > crop.width * crop.height || width < 1 || height < 1) return null;
    const key = `${crop.x},${crop.y},${crop.width},${crop.height},${width},${height}`;
    const cached = this.#scaled.get(layer.sourceId);
    if (cached?.picture === source && cached.key === key) return cached.canvas;
    const canvas = cached && cached.canvas.width === width && cached.canvas.height === height ? cached.canvas : new OffscreenCanvas(width, height);
    const scaler = canvas.getContext('2d');
    if (!scaler) return null;
    scaler.clearRect(0, 0, width, height); // keeps a transparent image's transparency
    scaler.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
    this.#scaled.set(layer.sourceId, { picture: source, canvas, key });
    return canvas;
  }

  forget(sourceId: string): void { this.#scaled.delete(sourceId); }
  close(): void { this.#scaled.clear(); }
}

/**
 * Whether WebGL2 here runs on a GPU. With no GPU (e.g. `--disable-gpu`, VMs) Chromium renders
 * WebGL with SwiftShader on the CPU, which costs far more per frame than the 2D canvas.
 */
export function hasHardwareWebGl2(): boolean {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return false;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return !/swiftshader|llvmpipe|software|basic render/i.test(name);
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/**
 * `auto`: WebGL2 on a GPU, else the 2D canvas. `webgl2` forces WebGL2 (SwiftShader included),
 * `2d` forces the fallback. A canvas keeps its first context type, so the choice is made first.
 */
export function createRenderer(canvas: OffscreenCanvas, prefer: RendererKind | 'auto' = 'auto'): Renderer {
  if (prefer === 'webgl2' || (prefer === 'auto' && hasHardwareWebGl2())) {
    const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
    if (gl) return createWebGl2Renderer(gl);
    if (prefer === 'webgl2') throw new Error('WebGL2 is not available');
  }
  const ctx = canvas.getContext('2d', { alpha: false, desynchronized: true });
  if (!ctx) throw new Error('2D canvas is not available');
  return new Canvas2DRenderer(ctx);
}
