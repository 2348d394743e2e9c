import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('electron-builder.yml', () => {
  test("loads with electron-builder's own loader and passes its own schema validation", async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('io.github.stm32mp-flash-station');
    expect(config.productName).toBe('STM32MP Flash Station');
    // The validator is real: an option electron-builder does not know is refused.
    await expect(
      validateConfiguration(
        { ...config, linux: { ...config.linux, notAnOption: true } as never },
        new DebugLogger(false),
      ),
    ).rejects.toThrow();
  }, 60_000);

  test('keeps the native usb binaries outside the asar and ships the udev rule', async () => {
    const config = await getConfig(root, null, null);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@node-usb/**', '**/*.node']));
    const deb = config.deb!;
    expect(deb.fpm).toContain('resources/udev/50-stm32mp-dfu.rules=/lib/udev/rules.d/50-stm32mp-dfu.rules');
    const afterInstall = await readFile(path.join(root, String(deb.afterInstall)), 'utf8');
    expect(afterInstall).toMatch(/udevadm control --reload/);
    expect(afterInstall).toMatch(/udevadm trigger/);
    expect(JSON.stringify(config.linux?.target)).toContain('AppImage');
    expect(JSON.stringify(config.linux?.target)).toContain('deb');
    expect(JSON.stringify(config.win?.target)).toContain('nsis');
    expect(JSON.stringify(config.mac?.target)).toContain('dmg');
  });

  test('points at files that exist: the built shell, the icons', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron/main.js');
    const config = await getConfig(root, null, null);
    for (const icon of [config.linux?.icon, config.win?.icon, config.mac?.icon]) {
      const png = await readFile(path.join(root, String(icon)));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // electron-builder wants at least 256×256 (macOS 512×512): width and height from the IHDR chunk.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    }
  });
});
