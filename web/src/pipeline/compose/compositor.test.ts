import { afterEach, describe, expect, it } from 'vitest';
import { SessionClock } from '../clock.ts';
import { FrameSource } from '../capture/frame-source.ts';
import type { LayoutMode, Rect } from '../studio-engine.ts';
import { Compositor } from './compositor.ts';
import { hasHardwareWebGl2 } from './renderer.ts';
import type { RendererKind } from './scene.ts';
import { framePixels, near, pixelAt, solidBitmap, type Rgb } from './test-sources.ts';

const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const BLACK: Rgb = [0, 0, 0];
const output = { width: 1280, height: 720 };

function webgl2Available(): boolean {
  return new OffscreenCanvas(4, 4).getContext('webgl2') !== null;
}
const renderers: RendererKind[] = webgl2Available() ? ['2d', 'webgl2'] : ['2d'];

let compositor: Compositor | undefined;
afterEach(() => { compositor?.close(); compositor = undefined; });

async function scene(renderer: RendererKind, mode: LayoutMode, pip?: Rect): Promise<ImageData> {
  const c = new Compositor({ canvas: new OffscreenCanvas(1, 1), output, fps: 30, clock: new SessionClock(), renderer, onFrame: (f) => { f.close(); } });
  compositor = c;
  c.addSource(FrameSource.fromImage('cam', 'camera', await solidBitmap(RED)));
  c.addSource(FrameSource.fromImage('scr', 'screen', await solidBitmap(GREEN, 1920, 1080)));
  c.addSource(FrameSource.fromImage('img', 'image', await solidBitmap(BLUE, 200, 200)));
  c.setLayout(mode);
  if (pip) c.setPip(pip);
  const frame = c.compose();
  try {
    return framePixels(frame);
  } finally {
    frame.close();
  }
}

function expectColours(image: ImageData, points: [number, number, Rgb][]): void {
  for (const [x, y, rgb] of points) {
    expect({ x, y, rgb: pixelAt(image, x, y), ok: near(pixelAt(image, x, y), rgb) }).toMatchObject({ ok: true });
  }
}

describe.each(renderers)('Compositor (%s renderer)', (renderer) => {
  it('reports the renderer in use', async () => {
    await scene(renderer, 'solo');
    expect(compositor?.rendererKind).toBe(renderer);
  });

  it('solo fills the frame with the first source', async () => {
    expectColours(await scene(renderer, 'solo'), [[10, 10, RED], [1270, 710, RED], [640, 360, RED]]);
  });

  it('side-by-side: left and right halves', async () => {
    expectColours(await scene(renderer, 'side-by-side'), [[10, 360, RED], [630, 360, RED], [650, 360, GREEN], [1270, 360, GREEN]]);
  });

  it('grid: three cells and an empty (black) fourth', async () => {
    expectColours(await scene(renderer, 'grid'), [[320, 180, RED], [960, 180, GREEN], [320, 540, BLUE], [960, 540, BLACK]]);
  });

  it('picture-in-picture: second source inside the PIP rect only', async () => {
    const pip = { x: 100, y: 100, width: 320, height: 180 };
    expectColours(await scene(renderer, 'picture-in-picture', pip), [[90, 90, RED], [110, 110, GREEN], [410, 270, GREEN], [430, 290, RED]]);
  });

  it('screen-camera: screen background, camera in the PIP', async () => {
    const pip = { x: 900, y: 500, width: 320, height: 180 };
    expectColours(await scene(renderer, 'screen-camera', pip), [[10, 10, GREEN], [910, 510, RED], [1210, 670, RED], [890, 490, GREEN]]);
  });

  it('moving the PIP moves the region', async () => {
    const pip = { x: 100, y: 100, width: 320, height: 180 };
    const before = await scene(renderer, 'picture-in-picture', pip);
    expect(near(pixelAt(before, 200, 150), GREEN)).toBe(true);
    const c = compositor;
    if (!c) throw new Error('no compositor');
    c.setPip({ x: 800, y: 400, width: 400, height: 225 });
    const frame = c.compose();
    try {
      const after = framePixels(frame);
      expectColours(after, [[200, 150, RED], [810, 410, GREEN], [1190, 615, GREEN], [790, 390, RED]]);
    } finally {
      frame.close();
    }
  });
});

describe('renderer choice', () => {
  it('auto picks WebGL2 only on a GPU; this machine reports which', async () => {
    const c = new Compositor({ canvas: new OffscreenCanvas(1, 1), output, fps: 30, clock: new SessionClock(), onFrame: (f) => { f.close(); } });
    compositor = c;
    expect(c.rendererKind).toBe(hasHardwareWebGl2() ? 'webgl2' : '2d');
  });
});

describe('Compositor clock', () => {
  it('emits frames with increasing session timestamps at the configured rate', async () => {
    const stamps: number[] = [];
    const c = new Compositor({
      canvas: new OffscreenCanvas(1, 1), output, fps: 30, clock: new SessionClock(), renderer: '2d',
      onFrame: (f) => { try { stamps.push(f.timestamp); } finally { f.close(); } },
    });
    compositor = c;
    c.addSource(FrameSource.fromImage('cam', 'camera', await solidBitmap(RED)));
    c.start();
    await new Promise((r) => setTimeout(r, 500));
    c.stop();
    expect(stamps.length).toBeGreaterThanOrEqual(8);
    expect(stamps.every((t, i) => i === 0 || t > (stamps[i - 1] ?? 0))).toBe(true);
  });
});

describe('Compositor pictures', () => {
  it('draws a new camera picture in the PIP (scaled once, repeated), and stamps frames with capture time', async () => {
    let push: ((frame: VideoFrame) => void) | undefined;
    const frames = new ReadableStream<VideoFrame>({ start(controller) { push = (f) => { controller.enqueue(f); }; } });
    const picture = async (rgb: Rgb, timestamp: number) => new VideoFrame(await solidBitmap(rgb, 1280, 720), { timestamp });
    const c = new Compositor({ canvas: new OffscreenCanvas(1, 1), output, fps: 30, clock: new SessionClock(), renderer: '2d', onFrame: (f) => { f.close(); } });
    compositor = c;
    c.addSource(FrameSource.fromImage('scr', 'screen', await solidBitmap(GREEN, 1920, 1080)));
    c.addSource(FrameSource.fromStream('cam', 'camera', frames));
    c.setLayout('screen-camera');
    c.setPip({ x: 900, y: 500, width: 320, height: 180 });
    const colourAt = async (settle: () => Promise<void>) => {
      await settle();
      const frame = c.compose();
      try {
        return { rgb: pixelAt(framePixels(frame), 1060, 590), timestamp: frame.timestamp };
      } finally { frame.close(); }
    };
    const wait = () => new Promise<void>((r) => setTimeout(r, 50));
    push?.(await picture(RED, 1_000_000));
    const first = await colourAt(wait);
    const repeat = await colourAt(wait);
    push?.(await picture(BLUE, 1_033_333));
    const second = await colourAt(wait);
    expect([near(first.rgb, RED), near(repeat.rgb, RED), near(second.rgb, BLUE)]).toEqual([true, true, true]);
    // A repeat has nothing new: it is stamped later than the picture it repeats (the slot time).
    expect(repeat.timestamp).toBeGreaterThan(first.timestamp);
    expect(second.timestamp).toBeGreaterThan(repeat.timestamp);
  });
});
