import type { Settings } from '../../../shared/ipc/settings-channels.js';

export type Theme = 'light' | 'dark';

export function resolveTheme(preference: Settings['theme'] | undefined, prefersDark: boolean): Theme {
  if (preference === 'light' || preference === 'dark') return preference;
  return prefersDark ? 'dark' : 'light';
}

/** The header toggle: an explicit choice opposite to what is shown now. */
export function toggledTheme(shown: Theme): Theme {
  return shown === 'dark' ? 'light' : 'dark';
}
