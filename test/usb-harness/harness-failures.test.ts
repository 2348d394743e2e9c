/**
 * The harness must fail loudly, and never hang, when the guest does not do its job: QEMU exits 0
 * whatever happened inside. Each case boots a deliberately broken guest (or a healthy one running a
 * command that misbehaves) and checks run-in-guest.sh's verdict. About a minute in all.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = process.env['USB_HARNESS_CACHE'] ?? path.join(REPO, '.cache', 'usb-harness');
const RUN = path.join(REPO, 'test/usb-harness/run-in-guest.sh');
const HARNESS_FAILED = 97;

const qemuMissing = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0;
const skip = qemuMissing && process.env['USB_HARNESS'] !== 'require';

let guest = '';
let scratch = '';

function runInGuest(args: string[], guestDir = guest): { status: number | null; output: string; ms: number } {
  const start = performance.now();
  const run = spawnSync(RUN, args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, USB_HARNESS_GUEST: guestDir, USB_HARNESS_STREAM: '0' },
    timeout: 180_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, ms: performance.now() - start };
}

/** A copy of the prepared guest whose initramfs is rebuilt after `change` edits its unpacked tree. */
function brokenGuest(name: string, change: (root: string) => void): string {
  const dir = path.join(scratch, name);
  const root = path.join(dir, 'initramfs');
  mkdirSync(root, { recursive: true });
  copyFileSync(path.join(guest, 'vmlinuz'), path.join(dir, 'vmlinuz'));
  const unpack = spawnSync('sh', ['-c', `gzip -dc '${guest}/initrd.gz' | cpio -id --quiet`], { cwd: root });
  if (unpack.status !== 0) throw new Error(`unpacking the initramfs failed: ${String(unpack.stderr)}`);
  change(root);
  const pack = spawnSync('sh', ['-c', `find . | cpio -o -H newc --quiet | gzip -1 > '${dir}/initrd.gz'`], {
    cwd: root,
  });
  if (pack.status !== 0) throw new Error(`packing the initramfs failed: ${String(pack.stderr)}`);
  return dir;
}

beforeAll(() => {
  if (skip) return;
  const prepared = spawnSync(path.join(REPO, 'test/usb-harness/prepare-guest.sh'), {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (prepared.status !== 0) throw new Error(`prepare-guest.sh failed:\n${prepared.stderr}`);
  guest = prepared.stdout.trim().split('\n').at(-1)!;
  mkdirSync(path.join(CACHE, 'runs'), { recursive: true });
  scratch = mkdtempSync(path.join(CACHE, 'runs', 'failures-'));
}, 120_000);

// The broken guests are copies of a 17 MB kernel and its initramfs: do not keep them.
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(skip)('run-in-guest.sh', () => {
  it("passes the guest command's own exit code and output through", () => {
    const run = runInGuest(['--', 'sh', '-c', 'echo from-the-guest; exit 42']);
    expect(run.status, run.output).toBe(42);
    expect(run.output).toContain('from-the-guest');
  }, 120_000);

  it('fails when QEMU cannot start', () => {
    const dir = path.join(scratch, 'no-qemu-start');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'vmlinuz'), 'not a kernel');
    writeFileSync(path.join(dir, 'initrd.gz'), 'not an initramfs');
    const run = runInGuest(['--', 'true'], dir);
    expect(run.status).toBe(HARNESS_FAILED);
    expect(run.output).toMatch(/usb-harness: FAILED: QEMU exited with status [1-9]/);
  }, 120_000);

  it('fails when the kernel never reaches /init', () => {
    const dir = brokenGuest('no-init', (root) => writeFileSync(path.join(root, 'init'), ''));
    const run = runInGuest(['--', 'true'], dir);
    expect(run.status).toBe(HARNESS_FAILED);
    expect(run.output).toMatch(/usb-harness: FAILED: the kernel did not reach \/init/);
  }, 120_000);

  it('fails when a module does not load', () => {
    const dir = brokenGuest('bad-module', (root) =>
      truncateSync(path.join(root, 'mods', 'dummy_hcd.ko'), 100),
    );
    const run = runInGuest(['--', 'true'], dir);
    expect(run.status).toBe(HARNESS_FAILED);
    expect(run.output).toMatch(/usb-harness: FAILED: USBH-FATAL insmod dummy_hcd failed/);
  }, 120_000);

  it('gives up on a guest that never comes up, within the boot deadline', () => {
    const dir = brokenGuest('stuck-init', (root) => {
      const init = path.join(root, 'init');
      writeFileSync(
        init,
        readFileSync(init, 'utf8').replace('/bin/busybox --install -s /bin', 'exec /bin/busybox sleep 9999'),
      );
    });
    const run = runInGuest(['--boot-timeout-s', '20', '--', 'true'], dir);
    expect(run.status).toBe(HARNESS_FAILED);
    expect(run.output).toMatch(/usb-harness: FAILED: the guest did not come up within 20s/);
    expect(run.ms).toBeLessThan(60_000);
  }, 120_000);

  it('bounds a guest command that hangs', () => {
    const run = runInGuest(['--timeout-s', '40', '--', 'sleep', '600']);
    expect(run.status).toBe(HARNESS_FAILED);
    expect(run.output).toMatch(/usb-harness: FAILED: the guest command timed out after 20s/);
    expect(run.ms).toBeLessThan(90_000);
  }, 120_000);
});
