import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { systemClock } from '../../../main/core/clock.js';
import { createUsbBackend } from '../../../main/usb/usb-backend.js';

// These run the real npm `usb` package. On a machine with USB they only check that listing works; on a
// Linux machine without /sys/bus/usb (containers, this CI) they check the exact failure users would see.
const noUsbSubsystem = process.platform === 'linux' && !existsSync('/sys/bus/usb');
const IO = { timeoutMs: 10_000 };

describe('the real usb package', () => {
  it.runIf(noUsbSubsystem)(
    'refuses with usb-unavailable before loading it when /sys/bus/usb is missing',
    async () => {
      const bus = createUsbBackend({ clock: systemClock });
      const error: unknown = await bus.list(IO).catch((e: unknown) => e);
      await bus.close();
      expect(isAppError(error, 'usb-unavailable')).toBe(true);
      if (!isAppError(error)) return;
      expect(error.message).toBe(
        'USB is not available on this machine: /sys/bus/usb does not exist, so the kernel exposes no USB bus.',
      );
      expect(error.hint).toContain('--sim mp15');
    },
  );

  it.runIf(noUsbSubsystem)(
    'loads the native binary, whose getDevices() then fails with a clear message',
    async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const bus = createUsbBackend({ clock: systemClock, hasUsbSubsystem: () => true });
      const notes: string[] = [];
      bus.subscribeNotes((n) => notes.push(n.type));
      const unsubscribe = bus.subscribe(() => undefined);
      const error: unknown = await bus.list(IO).catch((e: unknown) => e);
      unsubscribe();
      await bus.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.off('unhandledRejection', onUnhandled);

      expect(isAppError(error, 'usb-unavailable')).toBe(true);
      if (!isAppError(error)) return;
      expect(error.fields['osMessage']).toBe('getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
      expect(error.fields['errorCode']).toBe('GenericFailure');
      expect(error.message).toContain('/sys/bus/usb/devices does not exist');
      expect(notes).toContain('watch-failed');
      // node-usb's own addEventListener() would have leaked an unhandled rejection here.
      expect(unhandled).toEqual([]);
    },
  );

  // Skipped here and in CI (no /sys/bus/usb in this kernel): it needs a machine with a USB subsystem.
  // The two cases above run instead; the real bus is covered by the QEMU harness (npm run test:usb).
  it.runIf(!noUsbSubsystem)('lists devices (or reports why not) on a machine with USB', async () => {
    const bus = createUsbBackend({ clock: systemClock });
    const result: unknown = await bus.list({ ...IO, all: true }).catch((e: unknown) => e);
    await bus.close();
    if (Array.isArray(result))
      expect(result.every((i: { portPath?: unknown }) => typeof i.portPath === 'string')).toBe(true);
    else expect(isAppError(result)).toBe(true);
  });
});
