import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, found by walking up from this module: the same answer whether the
 * code runs from its sources (tests) or from dist/ (the app), and inside a packaged asar.
 */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

export function packageVersion(root: string): string {
  try {
    const parsed = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The renderer bundle Vite writes (`npm run build`). */
export function rendererDirOf(root: string): string {
  return path.join(root, 'dist', 'renderer');
}

export function udevRulePathOf(root: string): string {
  return path.join(root, 'resources', 'udev', '50-stm32mp-dfu.rules');
}
