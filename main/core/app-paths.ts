import { homedir } from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'STM32MP Flash Station';

/**
 * The per-user data folder, the same one Electron's app.getPath('userData') gives the desktop app, so
 * the CLI and the GUI share journals, logs and settings. STM32MP_FLASH_HOME overrides it (stations,
 * tests, read-only homes).
 */
export function appDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  // An empty variable counts as unset (a relative data folder would follow the current directory).
  const set = (value: string | undefined): string | undefined => (value ? value : undefined);
  if (set(env.STM32MP_FLASH_HOME)) return env.STM32MP_FLASH_HOME!;
  const home = set(env.HOME) ?? set(env.USERPROFILE) ?? homedir();
  if (platform === 'win32')
    return path.join(set(env.APPDATA) ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(set(env.XDG_CONFIG_HOME) ?? path.join(home, '.config'), PRODUCT_NAME);
}

export function journalDir(env?: Record<string, string | undefined>, platform?: NodeJS.Platform): string {
  return path.join(appDataDir(env, platform), 'journals');
}

export function logDir(env?: Record<string, string | undefined>, platform?: NodeJS.Platform): string {
  return path.join(appDataDir(env, platform), 'logs');
}
