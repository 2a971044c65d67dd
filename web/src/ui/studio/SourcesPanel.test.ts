import { afterEach, describe, expect, it } from 'vitest';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import SourcesPanel from './SourcesPanel.vue';
import AudioMixer from './AudioMixer.vue';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('SourcesPanel', () => {
  it('adds a camera and a microphone, renames and removes them', async () => {
    h = await createHarness();
    h.inApp(() => useStudioStore()).attach(h.engine);
    const w = await h.mount(SourcesPanel);
    const button = (text: string) => w.findAll('button').find((b) => b.text() === text);
    await button('+ Camera')?.trigger('click');
    await button('+ Microphone')?.trigger('click');
    await settle();
    expect(w.findAll('.source .name').map((n) => n.text())).toEqual(['Fake camera', 'Fake microphone']);

    await w.get('[aria-label="Rename Fake camera"]').trigger('click');
    await w.get('.rename input').setValue('Host cam');
    await w.get('.rename').trigger('submit');
    expect(w.findAll('.source .name').map((n) => n.text())).toEqual(['Host cam', 'Fake microphone']);

    await w.get('[aria-label="Remove Fake microphone"]').trigger('click');
    await settle();
    expect(h.engine.callsOf('removeSource')).toEqual([['removeSource', 'microphone-2']]);
    expect(w.findAll('.source')).toHaveLength(1);
  });

  it('reads an image file with progress and hands the file to engine.addImage', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    const w = await h.mount(SourcesPanel);
    const file = new File([new Uint8Array(300_000)], 'logo.png', { type: 'image/png' });
    const seen: number[] = [];
    const stop = studio.$subscribe(() => { for (const p of studio.pending) seen.push(p.progress); });
    const input = w.get('[data-testid="add-image"]').element as HTMLInputElement;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    await w.get('[data-testid="add-image"]').trigger('change');
    await settle();
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
    expect(h.engine.callsOf('addImage')).toEqual([['addImage', 300_000, 'logo.png']]);
    expect(w.get('.source .name').text()).toBe('logo.png');
    expect(studio.pending).toHaveLength(0);
  });

  it('explains a denied camera permission', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    h.engine.failNextCapture = new DOMException('Permission denied', 'NotAllowedError');
    await studio.addDevice('camera');
    expect(studio.errors.map((e) => e.code)).toEqual(['CAPTURE_PERMISSION_DENIED']);
    expect(studio.errors[0]?.detail).toContain('Allow the camera and microphone');
    expect(studio.sources).toHaveLength(0);
  });
});

describe('AudioMixer', () => {
  it('shows live levels, and mute and gain reach the engine', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.addDevice('microphone');
    await studio.addDevice('screen');
    const w = await h.mount(AudioMixer);
    expect(w.findAll('.strip')).toHaveLength(1);
    h.engine.emit({ type: 'levels', levels: { 'microphone-1': { peak: 0.5, rms: 0.25 } } });
    await settle();
    expect(w.get('[role="meter"]').attributes('aria-valuenow')).toBe('-6');

    await w.get('[aria-label="Mute Fake microphone"]').trigger('click');
    expect(h.engine.callsOf('setMuted')).toEqual([['setMuted', 'microphone-1', true]]);
    expect(w.get('[aria-label="Mute Fake microphone"]').attributes('aria-pressed')).toBe('true');
    expect(w.get('[role="meter"]').attributes('aria-valuenow')).toBe('-60');

    await w.get('input[type="range"]').setValue('150');
    expect(h.engine.callsOf('setGain')).toEqual([['setGain', 'microphone-1', 1.5]]);
    expect(w.get('output').text()).toBe('3.5 dB');
  });
});
