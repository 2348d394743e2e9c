import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SocId } from '../../shared/domain/flash-event.js';
import type { Stm32HeaderVersion } from './image-builders.js';
import { FIP_UUIDS, buildFip, patternBytes, wrapWithStm32Header } from './image-builders.js';

const SOC_HEADER: Record<SocId, { version: Stm32HeaderVersion; sysramBase: number; name: string }> = {
  mp15: { version: 'v1', sysramBase: 0x2ffc2500, name: 'stm32mp157f-dk2' },
  mp13: { version: 'v2.0', sysramBase: 0x2ffe0000, name: 'stm32mp135f-dk' },
  mp25: { version: 'v2.2', sysramBase: 0x0e012000, name: 'stm32mp257f-dk' },
};

export interface SampleOptions {
  soc: SocId;
  /** Size of the rootfs image; its content is a repeating pattern, written sparsely. */
  rootfsBytes?: number;
  seed?: number;
}

export interface SampleResult {
  layoutPath: string;
  files: { name: string; sizeBytes: number }[];
}

/**
 * Writes an SD-card FlashLayout in the style of ST's ecosystem v5 samples (protocol document §5.7)
 * with binaries of the right kind: STM32-header TF-A images of the SoC's header version, FIP
 * containers with a valid TOC, FWU metadata, and file-system images. Lets anyone try the tool
 * against a simulated board with nothing but this repository.
 */
export async function writeSampleLayout(dir: string, options: SampleOptions): Promise<SampleResult> {
  const soc = SOC_HEADER[options.soc];
  const seed = options.seed ?? 1;
  const rootfsBytes = options.rootfsBytes ?? 16 * 1024 * 1024;
  await mkdir(dir, { recursive: true });
  const tfa = (n: number): Uint8Array =>
    wrapWithStm32Header(patternBytes(96 * 1024 + n, seed + n), {
      version: soc.version,
      entryPoint: soc.sysramBase,
      loadAddress: soc.sysramBase,
      binaryType: 0x10,
    });
  const fip = buildFip(
    [
      { uuid: FIP_UUIDS.bl32, payload: patternBytes(256 * 1024, seed + 10) },
      { uuid: FIP_UUIDS.bl33, payload: patternBytes(768 * 1024, seed + 11) },
    ],
    0x1234,
  );
  const files: [string, Uint8Array][] = [
    [`tf-a-${soc.name}-usb.stm32`, tfa(1)],
    [`tf-a-${soc.name}-sdcard.stm32`, tfa(2)],
    [`fip-${soc.name}-optee.bin`, fip],
    ['metadata.bin', patternBytes(4096, seed + 20)],
    ['bootfs.ext4', patternBytes(2 * 1024 * 1024, seed + 21)],
  ];
  if (options.soc === 'mp25') {
    files.push([
      `fip-${soc.name}-ddr.bin`,
      buildFip([{ uuid: FIP_UUIDS.hwConfig, payload: patternBytes(24 * 1024, seed + 30) }], 0x2345),
    ]);
  }
  for (const [name, bytes] of files) await writeFile(path.join(dir, name), bytes);
  await writePatternFile(path.join(dir, 'rootfs.ext4'), rootfsBytes, seed + 40);

  const rows = [
    '#Opt\tId\tName\tType\tIP\tOffset\tBinary',
    `-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\ttf-a-${soc.name}-usb.stm32`,
    ...(options.soc === 'mp25' ? [`-\t0x02\tfip-ddr\tFIP\tnone\t0x0\tfip-${soc.name}-ddr.bin`] : []),
    `-\t0x03\tfip-boot\tFIP\tnone\t0x0\tfip-${soc.name}-optee.bin`,
    `P\t0x04\tfsbl1\tBinary\tmmc0\t0x00004400\ttf-a-${soc.name}-sdcard.stm32`,
    `P\t0x05\tfsbl2\tBinary\tmmc0\t0x00044400\ttf-a-${soc.name}-sdcard.stm32`,
    'P\t0x06\tmetadata1\tFWU_MDATA\tmmc0\t0x00084400\tmetadata.bin',
    'P\t0x07\tmetadata2\tFWU_MDATA\tmmc0\t0x000C4400\tmetadata.bin',
    `P\t0x08\tfip-a\tFIP\tmmc0\t0x00104400\tfip-${soc.name}-optee.bin`,
    'PED\t0x09\tfip-b\tFIP\tmmc0\t0x00504400\tnone',
    'PED\t0x0A\tu-boot-env\tENV\tmmc0\t0x00904400\tnone',
    'P\t0x10\tbootfs\tSystem\tmmc0\t0x00984400\tbootfs.ext4',
    'P\t0x11\trootfs\tFileSystem\tmmc0\t0x04984400\trootfs.ext4',
  ];
  const layoutPath = path.join(dir, `FlashLayout_sdcard_${soc.name}-sample.tsv`);
  await writeFile(layoutPath, rows.join('\n') + '\n');
  return {
    layoutPath,
    files: [
      ...files.map(([name, bytes]) => ({ name, sizeBytes: bytes.length })),
      { name: 'rootfs.ext4', sizeBytes: rootfsBytes },
    ],
  };
}

/** Streams a large pattern file in 1 MiB chunks so memory stays flat for multi-GiB images. */
export async function writePatternFile(filePath: string, sizeBytes: number, seed: number): Promise<void> {
  const chunk = patternBytes(1024 * 1024, seed);
  const handle = await open(filePath, 'w');
  try {
    let written = 0;
    while (written < sizeBytes) {
      const n = Math.min(chunk.length, sizeBytes - written);
      await handle.write(chunk, 0, n, written);
      written += n;
    }
  } finally {
    await handle.close();
  }
}
