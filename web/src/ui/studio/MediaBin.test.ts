import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import MediaBin from './MediaBin.vue';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

async function pick(w: VueWrapper, ...files: File[]): Promise<void> {
  const input = w.get('[data-testid="upload-media"]');
  const transfer = new DataTransfer();
  for (const f of files) transfer.items.add(f);
  (input.element as HTMLInputElement).files = transfer.files;
  await input.trigger('change');
  await settle();
}

describe('MediaBin', () => {
  it('shows the upload’s real progress events, then the uploaded asset; adds it to the scene', async () => {
    h = await createHarness();
    h.inApp(() => useStudioStore()).attach(h.engine);
    const w = await h.mount(MediaBin);
    expect(w.get('[data-testid="media-usage"]').text()).toBe('0 KB of 500 MB used');

    await pick(w, new File([new Uint8Array(2_000_000)], 'intro.mp4', { type: 'video/mp4' }));
    const xhr = h.api.media.inFlight[0];
    expect(xhr?.headers).toMatchObject({ 'content-type': 'application/octet-stream', authorization: `Bearer ${h.api.accessToken ?? ''}`, 'x-streamhub-csrf': '1' });
    expect(xhr?.url).toBe('/api/media?name=intro.mp4');
    const progress = () => w.get<HTMLProgressElement>('[data-testid="upload-row"] progress').element.value;
    expect(progress()).toBe(0);
    for (const fraction of [0.25, 0.6]) {
      xhr?.progress(fraction);
      await settle(1);
      expect(progress()).toBeCloseTo(fraction, 2);
      expect(w.get('[data-testid="upload-percent"]').text()).toBe(`${fraction * 100}%`);
    }
    xhr?.finish();
    await settle();
    expect(w.findAll('[data-testid="upload-row"]')).toHaveLength(0);
    expect(w.findAll('.asset .name').map((n) => n.text())).toEqual(['intro.mp4']);
    expect(w.get('.asset .kind').text()).toBe('Video · 1.9 MB');

    await w.get('[aria-label="Add intro.mp4 to the scene"]').trigger('click');
    await settle();
    expect(h.engine.callsOf('addVideo')).toEqual([['addVideo', 2_000_000, 'intro.mp4']]);
  });

  it('cancels an upload; a server refusal is explained; files over the plan’s size are refused before sending', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    const w = await h.mount(MediaBin);

    await pick(w, new File([new Uint8Array(1000)], 'a.png', { type: 'image/png' }));
    h.api.media.inFlight[0]?.progress(0.5);
    await w.get('[aria-label="Cancel uploading a.png"]').trigger('click');
    await settle();
    expect(w.findAll('[data-testid="upload-row"]')).toHaveLength(0);
    expect(studio.errors).toEqual([]);

    await pick(w, new File([new Uint8Array(1000)], 'b.png', { type: 'image/png' }));
    h.api.media.inFlight[0]?.finish({ status: 415, code: 'MEDIA_TYPE_UNSUPPORTED', message: 'no' });
    await settle();
    expect(studio.errors.map((e) => e.title)).toEqual(['File type not supported']);

    const huge = new File([new Uint8Array(8)], 'huge.mp4', { type: 'video/mp4' });
    Object.defineProperty(huge, 'size', { value: 200 * 1024 * 1024 });
    await pick(w, huge);
    expect(h.api.media.inFlight).toHaveLength(0);
    expect(studio.errors.at(-1)).toMatchObject({ code: 'MEDIA_TOO_LARGE', title: 'File too large' });
    expect(studio.errors.at(-1)?.detail).toContain('100 MB');
  });

  it('renames and deletes an asset on the server', async () => {
    h = await createHarness();
    h.api.media.add('old.png', new Blob([new Uint8Array(4096)], { type: 'image/png' }));
    const w = await h.mount(MediaBin);
    await w.get('[aria-label="Rename old.png"]').trigger('click');
    await w.get('.rename input').setValue('Logo');
    await w.get('.rename').trigger('submit');
    await settle();
    expect(h.api.media.assets[0]?.name).toBe('Logo');
    expect(w.findAll('.asset .name').map((n) => n.text())).toEqual(['Logo']);
    await w.get('[aria-label="Delete Logo from the media bin"]').trigger('click');
    await settle();
    expect(h.api.media.assets).toEqual([]);
    expect(w.text()).toContain('No media yet');
  });
});
