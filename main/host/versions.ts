import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts } from '../../shared/domain/host-facts.js';

const APP_PACKAGE_NAME = 'stm32mp-flash-station';

function readJson(path: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The installed `usb` package's version, read as data (this folder never loads the package itself). */
export function usbPackageVersion(fromUrl: string = import.meta.url): string | null {
  try {
    const path = createRequire(fromUrl).resolve('usb/package.json');
    const version = readJson(path)?.['version'];
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/**
 * The app's own version: the nearest package.json named stm32mp-flash-station above this module. The
 * same walk works from main/host (tests), dist/main/host (CLI) and inside an Electron asar.
 */
export function appPackageVersion(fromUrl: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(fromUrl));
  for (let depth = 0; depth < 8; depth++) {
    const pkg = readJson(join(dir, 'package.json'));
    if (pkg?.['name'] === APP_PACKAGE_NAME && typeof pkg['version'] === 'string') return pkg['version'];
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

export function readVersions(overrides: Partial<HostFacts['versions']> = {}): HostFacts['versions'] {
  return {
    node: overrides.node ?? process.versions.node,
    electron: overrides.electron !== undefined ? overrides.electron : (process.versions['electron'] ?? null),
    usb: overrides.usb !== undefined ? overrides.usb : usbPackageVersion(),
    app: overrides.app ?? appPackageVersion() ?? 'unknown',
  };
}
