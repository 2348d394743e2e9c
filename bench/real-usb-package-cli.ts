/**
 * The smallest Node command-line program over the `usb` package that does what `dfu-util -D` does to an
 * already-selected U-Boot partition: load the package, open the first 0483 device, DNLOAD/GETSTATUS
 * loop, exit. Started as its own process by bench/real-usb-guest.ts and timed whole, like both tools:
 * the floor for any CLI written in Node on this package, start-up included.
 *
 *   node dist/bench/real-usb-package-cli.js <alt> <file> <blockBytes>
 */
import { readFile } from 'node:fs/promises';
import { packageDownloadS } from './real-usb-round-trip.js';

const [alt, file, blockBytes] = process.argv.slice(2);
packageDownloadS(Number(alt), new Uint8Array(await readFile(file!)), Number(blockBytes)).catch(
  (error: unknown) => {
    process.stderr.write(`real-usb-package-cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
