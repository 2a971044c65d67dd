/**
 * PIP geometry: the box is edited in display (CSS) pixels over the preview and stored and sent to
 * the engine in output pixels. The preview canvas shows the whole output frame scaled uniformly, so
 * one factor per axis converts between the two.
 */
import type { Rect } from '../../pipeline/studio-engine.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Smallest PIP, output pixels (about a 1/10 of 720p width). */
export const minPipWidth = 128;

export function scaleRect(rect: Rect, from: Size, to: Size): Rect {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return { x: rect.x * sx, y: rect.y * sy, width: rect.width * sx, height: rect.height * sy };
}

export function roundRect(rect: Rect): Rect {
  return { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) };
}

/** Keeps the box inside the frame (moving it, never shrinking it unless it is bigger than the frame). */
export function clampInto(rect: Rect, frame: Size): Rect {
  const width = Math.min(rect.width, frame.width);
  const height = Math.min(rect.height, frame.height);
  return {
    x: Math.max(0, Math.min(rect.x, frame.width - width)),
    y: Math.max(0, Math.min(rect.y, frame.height - height)),
    width,
    height,
  };
}

/** Moves by a display-pixel delta; result in output pixels, inside the frame. */
export function dragRect(start: Rect, delta: { dx: number; dy: number }, display: Size, output: Size): Rect {
  const dx = (delta.dx * output.width) / display.width;
  const dy = (delta.dy * output.height) / display.height;
  return roundRect(clampInto({ ...start, x: start.x + dx, y: start.y + dy }, output));
}

/**
 * Resizes from the bottom-right corner by a display-pixel delta, keeping the box's aspect ratio
 * (the PIP shows a whole source, so stretching it would distort it); result in output pixels.
 */
export function resizeRect(start: Rect, delta: { dx: number; dy: number }, display: Size, output: Size): Rect {
  const aspect = start.width / start.height;
  const dxOut = (delta.dx * output.width) / display.width;
  const dyOut = (delta.dy * output.height) / display.height;
  // Follow whichever axis moved more, relative to the box's shape.
  const grow = Math.abs(dxOut) >= Math.abs(dyOut * aspect) ? dxOut : dyOut * aspect;
  const maxWidth = Math.min(output.width - start.x, (output.height - start.y) * aspect);
  const width = Math.max(minPipWidth, Math.min(start.width + grow, maxWidth));
  return roundRect({ x: start.x, y: start.y, width, height: width / aspect });
}
