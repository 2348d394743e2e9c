import { appendFile, open, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import { verifyPinnedFiles } from '../../../main/station/pinned-files.js';
import { makeStationWorkspace } from './station-fixtures.js';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('the edited file was accepted');
    },
    (error: unknown) => error as AppError,
  );
}

describe('pinned files', () => {
  it('verifies an untouched profile and returns the plan to flash', async () => {
    const { loaded } = await makeStationWorkspace();
    const verified = await verifyPinnedFiles(loaded, { clock: new VirtualClock() });
    expect(verified.verification.layoutSha256).toBe(loaded.profile.layout.sha256);
    expect(verified.verification.files).toBe(loaded.binaries.length + 1);
    expect(verified.plan.layoutPath).toBe(loaded.layoutPath);
  });

  it('refuses an edited binary, naming the file, the expected and the actual hash', async () => {
    const { loaded } = await makeStationWorkspace();
    const binary = loaded.binaries.find((b) => b.path.endsWith('rootfs.ext4'))!;
    const handle = await open(binary.path, 'r+');
    await handle.write(Buffer.from([0x42]), 0, 1, 1000);
    await handle.close();
    const error = await refusal(verifyPinnedFiles(loaded, { clock: new VirtualClock() }));
    expect(error.code).toBe('station-file-changed');
    expect(error.message).toContain(binary.path);
    expect(error.message).toContain(`expected sha256 ${binary.sha256}`);
    expect(error.message).toMatch(/found [0-9a-f]{64}\. Nothing will be flashed\./);
    expect(error.hint).toMatch(/re-create the station profile/);
  });

  it('refuses a binary replaced by one of the same size (no trust in size or mtime)', async () => {
    const { loaded } = await makeStationWorkspace();
    const binary = loaded.binaries.find((b) => b.path.endsWith('bootfs.ext4'))!;
    const before = await stat(binary.path);
    const bytes = await readFile(binary.path);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(binary.path, bytes);
    await utimes(binary.path, before.atime, before.mtime);
    expect(Math.abs((await stat(binary.path)).mtimeMs - before.mtimeMs)).toBeLessThan(1);
    const error = await refusal(verifyPinnedFiles(loaded, { clock: new VirtualClock() }));
    expect(error.code).toBe('station-file-changed');
    expect(error.message).toContain(path.basename(binary.path));
  });

  it('refuses an edited layout before reading any binary', async () => {
    const { loaded } = await makeStationWorkspace();
    await appendFile(loaded.layoutPath, '# a comment\n');
    const error = await refusal(verifyPinnedFiles(loaded, { clock: new VirtualClock() }));
    expect(error.code).toBe('station-file-changed');
    expect(error.message).toMatch(
      /^The FlashLayout .* has changed since the station profile was made: expected sha256/,
    );
  });

  it('says which pinned file is missing', async () => {
    const { loaded } = await makeStationWorkspace();
    const error = await refusal(
      verifyPinnedFiles(
        { ...loaded, layoutPath: `${loaded.layoutPath}.gone` },
        { clock: new VirtualClock() },
      ),
    );
    expect(error.code).toBe('file-not-found');
    expect(error.message).toMatch(/\.gone is missing: the station profile pins it/);
  });
});
