import { afterEach, describe, expect, it } from 'vitest';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import LayoutPicker from './LayoutPicker.vue';
import { handleShortcut, type ShortcutActions } from './use-shortcuts.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('LayoutPicker', () => {
  it('offers the five modes and calls engine.setLayout for the one clicked', async () => {
    h = await createHarness();
    h.inApp(() => useStudioStore()).attach(h.engine);
    const w = await h.mount(LayoutPicker);
    const radios = w.findAll('[role="radio"]');
    expect(radios.map((r) => r.attributes('data-layout'))).toEqual(['solo', 'side-by-side', 'picture-in-picture', 'grid', 'screen-camera']);
    await w.get('[data-layout="grid"]').trigger('click');
    await settle();
    expect(h.engine.callsOf('setLayout')).toEqual([['setLayout', 'grid']]);
    expect(w.get('[data-layout="grid"]').attributes('aria-checked')).toBe('true');
    expect(w.get('[data-layout="solo"]').attributes('aria-checked')).toBe('false');
  });
});

describe('shortcuts', () => {
  const record = (): { log: string[]; actions: ShortcutActions } => {
    const log: string[] = [];
    return {
      log,
      actions: {
        toggleLive: () => log.push('live'), toggleRecording: () => log.push('record'), toggleMute: () => log.push('mute'),
        layout: (i) => log.push(`layout-${i}`), help: () => log.push('help'),
      },
    };
  };

  it('maps G, R, M, 1–5 and ? to their actions', () => {
    const { log, actions } = record();
    for (const key of ['g', 'R', 'm', '1', '5', '?', 'x']) handleShortcut(new KeyboardEvent('keydown', { key }), actions);
    expect(log).toEqual(['live', 'record', 'mute', 'layout-0', 'layout-4', 'help']);
  });

  it('ignores keys typed into a field or with Ctrl held', () => {
    const { log, actions } = record();
    const input = document.createElement('input');
    document.body.append(input);
    const typed = new KeyboardEvent('keydown', { key: 'g', bubbles: true });
    input.addEventListener('keydown', (e) => handleShortcut(e, actions));
    input.dispatchEvent(typed);
    handleShortcut(new KeyboardEvent('keydown', { key: 'r', ctrlKey: true }), actions);
    expect(log).toEqual([]);
    input.remove();
  });

  it('still handles keys while a file picker or checkbox has focus (they take no text)', () => {
    const { log, actions } = record();
    for (const type of ['file', 'checkbox']) {
      const input = document.createElement('input');
      input.type = type;
      document.body.append(input);
      input.addEventListener('keydown', (e) => handleShortcut(e, actions));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));
      input.remove();
    }
    expect(log).toEqual(['help', 'help']);
  });
});
