import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { asciiPayload, fipImage, stm32Image } from './image-builders.js';

/** A throw-away folder holding a layout and its binaries. */
export interface Workspace {
  dir: string;
  path(name: string): string;
  write(name: string, content: string | Uint8Array): Promise<string>;
  dispose(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stm32mp-layout-'));
  return {
    dir,
    path: (name) => join(dir, name),
    async write(name, content) {
      const target = join(dir, name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      return target;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export const HEADER_LINE = '#Opt\tId\tName\tType\tIP\tOffset\tBinary';

/** A valid MP15 SD layout: lines 1-4. Extra rows start at line 5. */
export function baseLayout(...extraRows: string[]): string {
  return [
    HEADER_LINE,
    '-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\ttf-a-usb.stm32',
    '-\t0x03\tfip-boot\tFIP\tnone\t0x0\tfip.bin',
    'P\t0x04\tfsbl1\tBinary\tmmc0\t0x00004400\ttf-a-sdcard.stm32',
    ...extraRows,
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** The binaries baseLayout names: a USB TF-A (v1 header, DFU strings inside), an SD TF-A, a FIP. */
export function baseFiles(): Record<string, Uint8Array> {
  return {
    'tf-a-usb.stm32': stm32Image('v1', asciiPayload('@virtual /0xF1/1*512Ba', 4096)),
    'tf-a-sdcard.stm32': stm32Image('v1', asciiPayload('sdcard', 4096)),
    'fip.bin': fipImage(),
  };
}
