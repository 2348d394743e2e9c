import type { BrowserWindowConstructorOptions, Input } from 'electron';
import { secureWebPreferences } from './web-preferences.js';

/** One key chord the kiosk swallows; `ctrl` also means Cmd on macOS. */
export interface BlockedShortcut {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
  why: string;
}

/**
 * Every chord that would reload, zoom, open the devtools or quit/close the operator window. An
 * operator who presses one by accident must not lose the station screen mid-round.
 */
export const BLOCKED_SHORTCUTS: readonly BlockedShortcut[] = [
  { key: 'r', ctrl: true, why: 'reload' },
  { key: 'r', ctrl: true, shift: true, why: 'hard reload' },
  { key: 'F5', why: 'reload' },
  { key: 'F5', ctrl: true, why: 'hard reload' },
  { key: '+', ctrl: true, why: 'zoom in' },
  { key: '=', ctrl: true, why: 'zoom in' },
  { key: '-', ctrl: true, why: 'zoom out' },
  { key: '0', ctrl: true, why: 'zoom reset' },
  { key: 'F12', why: 'devtools' },
  { key: 'i', ctrl: true, shift: true, why: 'devtools' },
  { key: 'j', ctrl: true, shift: true, why: 'devtools console' },
  { key: 'q', ctrl: true, why: 'quit' },
  { key: 'w', ctrl: true, why: 'close window' },
  { key: 'F4', alt: true, why: 'close window' },
  { key: 'F4', ctrl: true, why: 'close window' },
];

/** True when a keyboard input is one of the blocked chords (checked on key down only). */
export function isBlockedShortcut(
  input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'shift' | 'alt'>,
): boolean {
  if (input.type !== 'keyDown') return false;
  const ctrl = input.control || input.meta;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  return BLOCKED_SHORTCUTS.some(
    (s) =>
      s.key.toLowerCase() === key.toLowerCase() &&
      (s.ctrl ?? false) === ctrl &&
      (s.alt ?? false) === input.alt &&
      // zoom chords come with or without Shift depending on the keyboard layout
      ((s.shift ?? false) === input.shift || (s.why.startsWith('zoom') && ctrl)),
  );
}

/** The operator window: full screen kiosk, no devtools, the same sandbox as the bench window. */
export function kioskWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    closable: true,
    title: 'STM32MP Flash Station — operator',
    backgroundColor: '#0d1320',
    show: false,
    webPreferences: secureWebPreferences(preloadPath, false),
  };
}
