import { afterEach, describe, expect, it } from 'vitest';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import PreviewStage from './PreviewStage.vue';
import { dragRect, resizeRect } from './pip-geometry.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

function pointer(el: Element, type: string, x: number, y: number): void {
  el.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, pointerId: 7, button: 0, bubbles: true, cancelable: true }));
}

describe('pip geometry', () => {
  it('converts a display-pixel drag to output pixels and keeps the box in the frame', () => {
    const start = { x: 100, y: 100, width: 320, height: 180 };
    expect(dragRect(start, { dx: 50, dy: 25 }, { width: 640, height: 360 }, { width: 1280, height: 720 })).toEqual({ x: 200, y: 150, width: 320, height: 180 });
    expect(dragRect(start, { dx: 5000, dy: -5000 }, { width: 640, height: 360 }, { width: 1280, height: 720 })).toEqual({ x: 960, y: 0, width: 320, height: 180 });
  });

  it('resizes from the corner keeping the aspect ratio, within the frame and above the minimum', () => {
    const start = { x: 100, y: 100, width: 320, height: 180 };
    expect(resizeRect(start, { dx: 80, dy: 0 }, { width: 640, height: 360 }, { width: 1280, height: 720 })).toEqual({ x: 100, y: 100, width: 480, height: 270 });
    expect(resizeRect(start, { dx: -1000, dy: 0 }, { width: 640, height: 360 }, { width: 1280, height: 720 }).width).toBe(128);
    const big = resizeRect(start, { dx: 5000, dy: 5000 }, { width: 640, height: 360 }, { width: 1280, height: 720 });
    expect(big.y + big.height).toBeLessThanOrEqual(720);
  });
});

describe('PIP over the preview', () => {
  it('dragging the box on a 640 px wide preview sends the output-pixel rect to engine.setPipRect', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.setLayout('picture-in-picture');
    await studio.setPip({ x: 100, y: 100, width: 320, height: 180 });
    h.engine.calls.length = 0;
    const host = document.createElement('div');
    host.style.width = '640px';
    document.body.append(host);
    const w = await h.mount(PreviewStage);
    host.append(w.element as HTMLElement);
    const box = w.get('[data-testid="pip-box"]').element;
    const stage = box.parentElement?.getBoundingClientRect();
    expect(stage?.width).toBe(640);
    expect(stage?.height).toBe(360);

    pointer(box, 'pointerdown', 10, 10);
    pointer(box, 'pointermove', 40, 20);
    pointer(box, 'pointermove', 60, 35);
    pointer(box, 'pointerup', 60, 35);
    await settle();
    // 50 × 25 display px on a 640 × 360 preview of a 1280 × 720 output = 100 × 50 output px.
    expect(h.engine.callsOf('setPipRect')).toEqual([['setPipRect', { x: 200, y: 150, width: 320, height: 180 }]]);
    expect(studio.pip).toEqual({ x: 200, y: 150, width: 320, height: 180 });

    const handle = w.get('[data-testid="pip-handle"]').element;
    pointer(handle, 'pointerdown', 0, 0);
    pointer(handle, 'pointermove', 80, 0);
    pointer(handle, 'pointerup', 80, 0);
    await settle();
    expect(h.engine.callsOf('setPipRect').at(-1)).toEqual(['setPipRect', { x: 200, y: 150, width: 480, height: 270 }]);
  });

  it('moves with the arrow keys for keyboard users', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.setLayout('picture-in-picture');
    await studio.setPip({ x: 100, y: 100, width: 320, height: 180 });
    const w = await h.mount(PreviewStage);
    await w.get('[data-testid="pip-box"]').trigger('keydown', { key: 'ArrowRight' });
    await settle();
    expect(h.engine.callsOf('setPipRect').at(-1)).toEqual(['setPipRect', { x: 120, y: 100, width: 320, height: 180 }]);
  });

  it('is shown only in picture-in-picture layout', async () => {
    h = await createHarness();
    h.inApp(() => useStudioStore()).attach(h.engine);
    const w = await h.mount(PreviewStage);
    expect(w.find('[data-testid="pip-box"]').exists()).toBe(false);
  });
});

describe('PIP and resolution', () => {
  it('scales the PIP rect with the output when the resolution changes', async () => {
    h = await createHarness();
    h.api.plan = 'pro';
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    studio.resolution = '720p';
    await settle();
    await studio.setPip({ x: 100, y: 50, width: 320, height: 180 });
    studio.resolution = '1080p';
    await settle();
    expect(studio.pip).toEqual({ x: 150, y: 75, width: 480, height: 270 });
    expect(h.engine.callsOf('setPipRect').at(-1)).toEqual(['setPipRect', { x: 150, y: 75, width: 480, height: 270 }]);
  });
});
