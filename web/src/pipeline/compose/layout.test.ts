import { describe, expect, it } from 'vitest';
import { clampPip, computeLayout, coverCrop, defaultPip } from './layout.ts';
import type { VideoSourceShape } from './scene.ts';

const output = { width: 1280, height: 720 };
const cam: VideoSourceShape = { id: 'cam', kind: 'camera', width: 640, height: 480 };
const screen: VideoSourceShape = { id: 'scr', kind: 'screen', width: 1920, height: 1080 };
const img: VideoSourceShape = { id: 'img', kind: 'image', width: 400, height: 400 };
const pip = { x: 900, y: 500, width: 320, height: 180 };

const visible = (mode: Parameters<typeof computeLayout>[0]['mode'], sources: VideoSourceShape[]) =>
  computeLayout({ mode, sources, pip, output }).filter((l) => l.visible);

describe('computeLayout', () => {
  it('solo: first source fills the output, others hidden', () => {
    const layers = computeLayout({ mode: 'solo', sources: [cam, screen], pip, output });
    expect(layers.filter((l) => l.visible)).toEqual([
      expect.objectContaining({ sourceId: 'cam', rect: { x: 0, y: 0, width: 1280, height: 720 } }),
    ]);
    expect(layers.find((l) => l.sourceId === 'scr')?.visible).toBe(false);
  });

  it('side-by-side: two halves', () => {
    expect(visible('side-by-side', [cam, screen]).map((l) => l.rect)).toEqual([
      { x: 0, y: 0, width: 640, height: 720 },
      { x: 640, y: 0, width: 640, height: 720 },
    ]);
  });

  it('picture-in-picture: second source in the PIP rect, on top', () => {
    const layers = visible('picture-in-picture', [screen, cam]);
    expect(layers.map((l) => [l.sourceId, l.rect])).toEqual([
      ['scr', { x: 0, y: 0, width: 1280, height: 720 }],
      ['cam', pip],
    ]);
    expect(layers[1]?.z).toBeGreaterThan(layers[0]?.z ?? 0);
  });

  it('grid: 3 sources in a 2×2 grid', () => {
    expect(visible('grid', [cam, screen, img]).map((l) => l.rect)).toEqual([
      { x: 0, y: 0, width: 640, height: 360 },
      { x: 640, y: 0, width: 640, height: 360 },
      { x: 0, y: 360, width: 640, height: 360 },
    ]);
  });

  it('screen-camera: picks the screen as background and the camera for the PIP regardless of order', () => {
    expect(visible('screen-camera', [cam, img, screen]).map((l) => [l.sourceId, l.rect])).toEqual([
      ['scr', { x: 0, y: 0, width: 1280, height: 720 }],
      ['cam', pip],
    ]);
  });

  it('no sources: no layers', () => {
    expect(computeLayout({ mode: 'grid', sources: [], pip, output })).toEqual([]);
  });

  it('cover crop keeps the rect aspect ratio, centred', () => {
    expect(coverCrop({ width: 640, height: 480 }, { x: 0, y: 0, width: 1280, height: 720 })).toEqual({ x: 0, y: 60, width: 640, height: 360 });
    expect(coverCrop({ width: 1920, height: 1080 }, { x: 0, y: 0, width: 640, height: 720 })).toEqual({ x: 480, y: 0, width: 960, height: 1080 });
  });

  it('PIP is clamped inside the output', () => {
    expect(clampPip({ x: 1200, y: -10, width: 320, height: 180 }, output)).toEqual({ x: 960, y: 0, width: 320, height: 180 });
    expect(clampPip({ x: 0, y: 0, width: 5000, height: 2 }, output)).toEqual({ x: 0, y: 0, width: 1280, height: 16 });
    expect(defaultPip(output)).toEqual({ x: 928, y: 508, width: 320, height: 180 });
  });
});
