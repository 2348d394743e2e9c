/**
 * Runs inside the real-USB harness guest (test/usb-harness, started by bench/real-usb.ts):
 *
 *   node dist/bench/real-usb-guest.js <fileBytes> <result.json> <rounds>
 *
 * One simulated MP15 board is put on the guest's kernel USB bus by the harness's board front; the
 * production backend flashes a trimmed sample layout to it without the final DETACH, so the board stays
 * in U-Boot's partition enumeration. Then the same file goes to the same partition (rootfs, 0x11) with
 * our CLI (`download --alt rootfs`), with `dfu-util -a <index> -D` and with the smallest Node program
 * over the `usb` package (real-usb-package-cli.ts), in rounds that rotate which goes first, after a
 * warm-up; a bare loop over the package inside this process does it once per round as well.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '../main/core/clock.js';
import { runFlashSession } from '../main/flash/flash-session.js';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import { FIP_UUIDS, buildFip, patternBytes } from '../main/sample/image-builders.js';
import { writePatternFile, writeSampleLayout } from '../main/sample/sample-layout.js';
import { createUsbBackend } from '../main/usb/usb-backend.js';
import { probeHostFacts } from '../main/host/probe-host-facts.js';
import { compareDownloads, timed } from './download-comparison.js';
import { oursRoundTripMs, packageRoundTripMs } from './real-usb-round-trip.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FRONT = path.join(REPO, 'dist', 'test', 'usb-harness', 'front-process.js');
const ROUND_TRIPS = 200;
/** Untimed downloads before the first timed one (see the warm-up note in main()). */
const WARM_UP_DOWNLOADS = 4;

interface FrontHandle {
  waitForPresentation(n: number, timeoutMs: number): Promise<unknown>;
  stop(): Promise<number>;
}

async function waitFor(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const fileBytes = Number(process.argv[2]);
  const resultPath = process.argv[3]!;
  const rounds = Number(process.argv[4] ?? 4);
  const scratch = '/tmp/real-usb-bench';
  await mkdir(scratch, { recursive: true });
  // The harness's trimmed sample (a small FIP and bootfs): the flash before the measurement is quick.
  const sample = await writeSampleLayout(path.join(scratch, 'layout'), {
    soc: 'mp15',
    rootfsBytes: 64 * 1024,
  });
  const dir = path.dirname(sample.layoutPath);
  await writeFile(
    path.join(dir, 'fip-stm32mp157f-dk2-optee.bin'),
    buildFip(
      [
        { uuid: FIP_UUIDS.bl32, payload: patternBytes(32 * 1024, 10) },
        { uuid: FIP_UUIDS.bl33, payload: patternBytes(64 * 1024, 11) },
      ],
      0x1234,
    ),
  );
  await writeFile(path.join(dir, 'bootfs.ext4'), patternBytes(256 * 1024, 21));
  const payload = path.join(scratch, 'payload.bin');
  await writePatternFile(payload, fileBytes, 77);

  const { FrontProcess } = (await import(pathToFileURL(FRONT).href)) as {
    FrontProcess: { start(options: { soc: string }): FrontHandle };
  };
  const front = FrontProcess.start({ soc: 'mp15' });
  try {
    await front.waitForPresentation(1, 60_000);
    await waitFor(
      () => existsSync('/sys/bus/usb/devices/1-1/serial'),
      30_000,
      'the host to enumerate the board',
    );
    const bus = createUsbBackend({ clock: systemClock });
    let rootfsAlt: number | null = null;
    try {
      const result = await runFlashSession(
        {
          bus,
          clock: systemClock,
          host: await probeHostFacts(),
          appVersion: 'bench',
          onEvent: (event) => {
            if (event.type === 'partition-start' && event.name === 'rootfs') rootfsAlt = event.alt;
          },
        },
        {
          plan: await loadFlashLayout(sample.layoutPath),
          target: { portPath: null, serial: null },
          detachAtEnd: false,
        },
      );
      if (!result.ok)
        throw new Error(`the flash before the measurement failed: ${result.diagnosis?.symptom ?? '?'}`);
    } finally {
      await bus.close();
    }
    if (rootfsAlt === null) throw new Error('the rootfs alt was never used');
    // What start-up costs here (TCG runs JavaScript several times slower than the host).
    const nodeStart = await timed(process.execPath, ['-e', '0']);
    // The board front is a Node program too: under TCG its first downloads run several times slower
    // while its JIT warms up (measured 8.0, 5.9, 5.1, 3.8, then 3.0 s for the same loop). Warm it up
    // first (one CLI download, then package-loop ones), so that no tool pays for it.
    const compared = await compareDownloads({
      altSpec: 'rootfs',
      payload,
      rounds,
      warmUpDownloads: WARM_UP_DOWNLOADS,
    });
    // Per request, the same GETSTATUS: through our transport, and through the package alone.
    const roundTripOursMs = await oursRoundTripMs(ROUND_TRIPS);
    const roundTripPackageMs = await packageRoundTripMs(ROUND_TRIPS);
    await writeFile(
      resultPath,
      JSON.stringify({
        ok: true,
        fileBytes,
        rootfsAlt,
        ...compared,
        nodeStartS: nodeStart.seconds,
        roundTripMs: { ours: roundTripOursMs, usbPackage: roundTripPackageMs },
      }),
    );
  } finally {
    await front.stop();
  }
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  await writeFile(process.argv[3]!, JSON.stringify({ ok: false, error: message })).catch(() => undefined);
  process.stderr.write(`real-usb-guest: ${message}\n`);
  process.exitCode = 1;
});
