import { randomFillSync } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../main/cli/cli-io.js';
import { runCli } from '../../../main/cli/run-cli.js';
import { stm32Image } from '../layout/image-builders.js';
import { baseFiles, baseLayout, createWorkspace } from '../layout/layout-workspace.js';
import type { Workspace } from '../layout/layout-workspace.js';

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function capture(cwd: string): Captured {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      cwd,
      env: {},
      isTty: false,
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

let workspace: Workspace;
beforeEach(async () => {
  workspace = await createWorkspace();
  for (const [name, bytes] of Object.entries(baseFiles())) await workspace.write(name, bytes);
});
afterEach(() => workspace.dispose());

async function layoutCli(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string; elapsedMs: number }> {
  const captured = capture(workspace.dir);
  const started = Date.now();
  const code = await runCli(['layout', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr(), elapsedMs: Date.now() - started };
}

function expectShortError(result: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stderr.split('\n').length).toBeLessThanOrEqual(4);
}

describe('stm32mp-flash layout', () => {
  it('prints the table and exits 0 for a flashable layout (path relative to cwd)', async () => {
    await workspace.write('layout.tsv', baseLayout());
    const result = await layoutCli('layout.tsv');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^OPT\s+ID\s+NAME\s+TYPE\s+DEVICE\s+OFFSET\s+SIZE\s+FILE\s+STATUS$/m);
    expect(result.stdout).toMatch(
      /^-\s+0x01\s+fsbl-boot\s+Binary\s+none\s+0x0\s+4\.3 KiB\s+tf-a-usb\.stm32\s+boot-load \(rom\)$/m,
    );
    expect(result.stdout).toMatch(/^P\s+0x04\s+fsbl1\s+Binary\s+mmc0\s+0x00004400\s+.*program$/m);
    expect(result.stdout).toMatch(/SoC:\s+mp15 \(line 2 \(fsbl-boot\) has an STM32 header v1\)/);
    expect(result.stdout).toMatch(/U-Boot: would accept it \(3 rows\)/);
  });

  it('--json prints one object with the columns as written and located problems', async () => {
    await workspace.write(
      'layout.tsv',
      baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0\t0x00084400\tmissing.ext4'),
    );
    const result = await layoutCli('layout.tsv', '--json', '--hash');
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as {
      partitions: Record<string, unknown>[];
      problems: Record<string, unknown>[];
    };
    expect(json.partitions[0]).toMatchObject({
      opt: '-',
      id: '0x01',
      name: 'fsbl-boot',
      type: 'Binary',
      ip: 'none',
      offset: '0x0',
      binary: 'tf-a-usb.stm32',
    });
    expect((json.partitions[0]!.file as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.partitions[2]).toMatchObject({ offset: '0x00004400', offsetBytes: 0x4400 });
    expect(json.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'missing-binary',
        line: 5,
        field: 'binary',
        message: expect.stringMatching(/missing\.ext4/) as unknown,
      }),
    );
    expect(result.stderr).toMatch(/layout\.tsv:5: Binary 'missing\.ext4' not found/);
  });

  it('lists problems with line, field and hint, and exits 2 on an error', async () => {
    await workspace.write('layout.tsv', baseLayout('P\t0x10\trootfs\tFileSystem\tmmc0\tnone\tr.ext4'));
    const result = await layoutCli('layout.tsv');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /error\s+line 5 offset \[invalid-offset\]: Offset 'none' is not a number\./,
    );
    expect(result.stdout).toMatch(/hint: U-Boot refuses 'none' as an offset: write 0x0/);
    expect(result.stdout).toMatch(/U-Boot: would refuse it: Layout line 5: invalid offset 'none'/);
  });

  it('exits 0 with warnings only (STM32CubeProgrammer external-loader style)', async () => {
    await workspace.write('layout.tsv', baseLayout().replace('-\t0x01', 'P\t0x01'));
    const result = await layoutCli('layout.tsv');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/warning line 2 opt \[selected-none-phase\]/);
  });

  it('a missing file: short error, exit 2', async () => {
    expectShortError(await layoutCli('nope.tsv'), /nope\.tsv: no such file/);
  });

  it('a directory: short error, exit 2', async () => {
    await mkdir(workspace.path('dir.tsv'));
    expectShortError(await layoutCli('dir.tsv'), /is a directory/);
  });

  it('a binary file: short error, exit 2', async () => {
    await workspace.write('image.tsv', stm32Image('v1', new Uint8Array(4096)));
    expectShortError(await layoutCli('image.tsv'), /is not a text file/);
  });

  it('a file with a NUL: short error, exit 2', async () => {
    await workspace.write('nul.tsv', `${baseLayout()}\0`);
    expectShortError(await layoutCli('nul.tsv'), /NUL byte at line 5/);
  });

  it('an empty file: specific error, exit 2', async () => {
    await workspace.write('empty.tsv', '');
    const result = await layoutCli('empty.tsv');
    expectShortError(result, /empty\.tsv: The layout is empty \(0 bytes\)/);
  });

  it('100 MB of random bytes: refused promptly, exit 2', async () => {
    const handle = await open(workspace.path('random.tsv'), 'w');
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) {
      await handle.write(randomFillSync(chunk));
    }
    await handle.close();
    const result = await layoutCli('random.tsv');
    expectShortError(result, /random\.tsv is not a text file/);
    expect(result.elapsedMs).toBeLessThan(1000);
  }, 30_000);

  it('an unknown --soc: exit 2', async () => {
    await workspace.write('layout.tsv', baseLayout());
    const result = await layoutCli('layout.tsv', '--soc', 'mp99');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mp99/);
  });

  it('--soc checks header versions', async () => {
    await workspace.write('layout.tsv', baseLayout());
    const result = await layoutCli('layout.tsv', '--soc', 'mp25');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /\[stm32-version-mismatch\]: tf-a-usb\.stm32: STM32 header v1, but mp25 images use v2\.2/,
    );
  });
});
