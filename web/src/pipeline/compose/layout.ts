import type { Rect } from '../studio-engine.ts';
import type { Layer, OutputSize, SceneInput, VideoSourceShape } from './scene.ts';

/**
 * Source crop that fills `rect` without distortion ("cover"): the source is cut to the rect's
 * aspect ratio around its centre.
 */
export function coverCrop(source: { width: number; height: number }, rect: Rect): Rect {
  const sw = Math.max(1, source.width);
  const sh = Math.max(1, source.height);
  const target = rect.width / Math.max(1, rect.height);
  if (sw / sh > target) {
    const width = Math.round(sh * target);
    return { x: Math.round((sw - width) / 2), y: 0, width, height: sh };
  }
  const height = Math.round(sw / target);
  return { x: 0, y: Math.round((sh - height) / 2), width: sw, height };
}

/** Keeps the PIP inside the output and at least 16 px in each direction. */
export function clampPip(pip: Rect, output: OutputSize): Rect {
  const width = Math.min(output.width, Math.max(16, Math.round(pip.width)));
  const height = Math.min(output.height, Math.max(16, Math.round(pip.height)));
  const x = Math.min(output.width - width, Math.max(0, Math.round(pip.x)));
  const y = Math.min(output.height - height, Math.max(0, Math.round(pip.y)));
  return { x, y, width, height };
}

/** Default PIP: a quarter-size box 32 px from the bottom-right corner. */
export function defaultPip(output: OutputSize): Rect {
  const width = Math.round(output.width / 4);
  const height = Math.round(output.height / 4);
  return { x: output.width - width - 32, y: output.height - height - 32, width, height };
}

function place(source: VideoSourceShape, rect: Rect, z: number): Layer {
  return { sourceId: source.id, rect, crop: coverCrop(source, rect), opacity: 1, z, visible: true };
}

function hidden(source: VideoSourceShape): Layer {
  const rect = { x: 0, y: 0, width: 0, height: 0 };
  return { sourceId: source.id, rect, crop: rect, opacity: 1, z: -1, visible: false };
}

function gridRects(count: number, output: OutputSize): Rect[] {
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols);
    const x = Math.round((col * output.width) / cols);
    const y = Math.round((row * output.height) / rows);
    rects.push({
      x, y,
      width: Math.round(((col + 1) * output.width) / cols) - x,
      height: Math.round(((row + 1) * output.height) / rows) - y,
    });
  }
  return rects;
}

/** Screen-like first (screen, video, image), then the rest in insertion order. */
function screenFirst(sources: readonly VideoSourceShape[]): VideoSourceShape[] {
  const main = sources.find((s) => s.kind === 'screen') ?? sources.find((s) => s.kind !== 'camera') ?? sources[0];
  if (!main) return [];
  const camera = sources.find((s) => s !== main && s.kind === 'camera') ?? sources.find((s) => s !== main);
  return camera ? [main, camera] : [main];
}

function placed(input: SceneInput): Layer[] {
  const { mode, sources, output } = input;
  const full = { x: 0, y: 0, width: output.width, height: output.height };
  const pip = clampPip(input.pip, output);
  const [first, second] = sources;
  switch (mode) {
    case 'solo':
      return first ? [place(first, full, 0)] : [];
    case 'side-by-side': {
      const half = Math.round(output.width / 2);
      const left = { x: 0, y: 0, width: half, height: output.height };
      const right = { x: half, y: 0, width: output.width - half, height: output.height };
      return [first && place(first, left, 0), second && place(second, right, 0)].filter((l) => l !== undefined);
    }
    case 'picture-in-picture':
      return [first && place(first, full, 0), second && place(second, pip, 1)].filter((l) => l !== undefined);
    case 'grid':
      return gridRects(sources.length, output).map((rect, i) => place(sources[i] as VideoSourceShape, rect, 0));
    case 'screen-camera': {
      // Screen fills the frame; the camera sits in the PIP box on top (the box the UI drags).
      const [screen, camera] = screenFirst(sources);
      return [screen && place(screen, full, 0), camera && place(camera, pip, 1)].filter((l) => l !== undefined);
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown layout ${String(never)}`);
    }
  }
}

/**
 * The scene for a layout: one layer per video source (unused ones invisible), sorted by z so a
 * renderer draws them in order. Pure: same input, same layers.
 */
export function computeLayout(input: SceneInput): Layer[] {
  const shown = placed(input);
  const used = new Set(shown.map((l) => l.sourceId));
  const rest = input.sources.filter((s) => !used.has(s.id)).map(hidden);
  return [...shown, ...rest].sort((a, b) => a.z - b.z);
}
