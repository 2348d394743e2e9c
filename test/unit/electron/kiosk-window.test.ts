import { describe, expect, it } from 'vitest';
import {
  BLOCKED_SHORTCUTS,
  isBlockedShortcut,
  kioskWindowOptions,
} from '../../../main/electron/kiosk-window.js';

type KeyInput = Parameters<typeof isBlockedShortcut>[0];

function key(text: string, mods: Partial<Omit<KeyInput, 'key' | 'type'>> = {}): KeyInput {
  return { type: 'keyDown', key: text, control: false, meta: false, shift: false, alt: false, ...mods };
}

describe('operator-mode kiosk window', () => {
  it('is a full-screen kiosk with devtools off and the bench sandbox kept', () => {
    const options = kioskWindowOptions('/app/preload.cjs');
    expect(options).toMatchObject({ kiosk: true, fullscreen: true });
    expect(options.webPreferences).toMatchObject({
      devTools: false,
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('blocks reload, zoom, devtools and quit/close chords', () => {
    const blocked: [string, KeyInput][] = [
      ['Ctrl+R', key('r', { control: true })],
      ['Cmd+R', key('r', { meta: true })],
      ['Ctrl+Shift+R', key('R', { control: true, shift: true })],
      ['F5', key('F5')],
      ['Ctrl++', key('+', { control: true, shift: true })],
      ['Ctrl+=', key('=', { control: true })],
      ['Ctrl+-', key('-', { control: true })],
      ['Ctrl+0', key('0', { control: true })],
      ['F12', key('F12')],
      ['Ctrl+Shift+I', key('I', { control: true, shift: true })],
      ['Ctrl+Q', key('q', { control: true })],
      ['Cmd+Q', key('q', { meta: true })],
      ['Alt+F4', key('F4', { alt: true })],
      ['Ctrl+W', key('w', { control: true })],
    ];
    for (const [name, input] of blocked) expect(isBlockedShortcut(input), name).toBe(true);
    expect(BLOCKED_SHORTCUTS.map((s) => s.why)).toEqual(
      expect.arrayContaining([
        'reload',
        'zoom in',
        'zoom out',
        'zoom reset',
        'devtools',
        'quit',
        'close window',
      ]),
    );
  });

  it('lets the operator type: digits, letters, Enter, Backspace and key-ups pass', () => {
    for (const input of [key('1'), key('r'), key('Enter'), key('Backspace'), key('0'), key('Tab')])
      expect(isBlockedShortcut(input), input.key).toBe(false);
    expect(isBlockedShortcut({ ...key('r', { control: true }), type: 'keyUp' })).toBe(false);
  });
});
