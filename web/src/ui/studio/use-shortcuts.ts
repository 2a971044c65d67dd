/** Studio keyboard shortcuts; ignored while typing in a field or with Ctrl/Alt/Meta held. */
import { onBeforeUnmount, onMounted } from 'vue';

export interface ShortcutActions {
  readonly toggleLive: () => void;
  readonly toggleRecording: () => void;
  readonly toggleMute: () => void;
  readonly layout: (index: number) => void;
  readonly help: () => void;
}

export const shortcutList: readonly { readonly keys: string; readonly action: string }[] = [
  { keys: 'G', action: 'Go live / stop' },
  { keys: 'R', action: 'Start / stop local recording' },
  { keys: 'M', action: 'Mute / unmute all audio' },
  { keys: '1 – 5', action: 'Layout: solo, side by side, picture in picture, grid, screen + camera' },
  { keys: '?', action: 'Show this help' },
];

/** Inputs that take no typed text: a shortcut still works while one has focus (e.g. right after picking a file). */
const keylessInputs = new Set(['file', 'checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color']);

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !keylessInputs.has(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Maps a key event to an action; exported for tests. Returns whether the key was handled. */
export function handleShortcut(event: KeyboardEvent, actions: ShortcutActions): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return false;
  const key = event.key.toLowerCase();
  if (key === 'g') actions.toggleLive();
  else if (key === 'r') actions.toggleRecording();
  else if (key === 'm') actions.toggleMute();
  else if (key === '?') actions.help();
  else if (/^[1-5]$/.test(key)) actions.layout(Number(key) - 1);
  else return false;
  event.preventDefault();
  return true;
}

export function useShortcuts(actions: ShortcutActions): void {
  const listener = (event: KeyboardEvent): void => void handleShortcut(event, actions);
  onMounted(() => window.addEventListener('keydown', listener));
  onBeforeUnmount(() => window.removeEventListener('keydown', listener));
}
