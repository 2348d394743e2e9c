import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { isAppError } from '../../../main/core/app-error.js';
import {
  FAULT_SCENARIOS,
  SimulatedBus,
  createSimulatedBoard,
  faultScenarioMarkdownTable,
  simulatedHostFacts,
  type SimulatedBoard,
  type SimulatedBoardOptions,
} from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import {
  IO,
  altIndexForPhase,
  clrStatus,
  detach,
  dnload,
  getDescriptor,
  getPhase,
  getStatus,
  selectAlt,
} from './helpers/raw-dfu.js';
import { bringTo, downloadRaw, type DfuFailure, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
let clock: VirtualClock;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const ROWS = [
  ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'f'],
  ['P', '0x10', 'bootfs', 'System', 'mmc0', '0x00004400', 'b'],
  ['P', '0x11', 'rootfs', 'FileSystem', 'mmc0', '0x00404400', 'r'],
];

function setup(options: SimulatedBoardOptions): SimulatedBoard {
  // close() does its work synchronously; a test that needs two boards replaces the bus.
  void bus?.close();
  clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  return createSimulatedBoard(options);
}

function drive(
  board: SimulatedBoard,
  target: 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash',
): Promise<Driven> {
  return bringTo(bus!, clock, board, target, {
    fsbl: fsblImage(board.soc),
    fip: fipImage(),
    ddrFip: fipImage(9000, 3),
    layout: wrapLayout(tsv(ROWS)),
  });
}

/** TF-A gets its FIP and the DETACH; returns the time of the DETACH. */
async function fipAndDetach(d: Driven): Promise<number> {
  await downloadRaw(d.t, clock, altIndexForPhase(d.t, 3), fipImage(), 1024);
  expect((await getPhase(d.t)).needDetach).toBe(1);
  const at = clock.nowMs();
  await detach(d.t);
  return at;
}

describe('fault scenario catalogue', () => {
  it('documents every scenario once, with cause, behaviour and host view', () => {
    const ids = FAULT_SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(12);
    for (const s of FAULT_SCENARIOS) {
      expect(s.realWorldCause.length).toBeGreaterThan(10);
      expect(s.boardBehaviour.length).toBeGreaterThan(10);
      expect(s.hostSees.length).toBeGreaterThan(10);
    }
    expect(faultScenarioMarkdownTable().split('\n')).toHaveLength(2 + ids.length);
  });
});

describe('fault scenarios (§7)', () => {
  it('uboot-no-reconnect: TF-A leaves the bus and nothing comes back', async () => {
    const board = setup({ soc: 'mp15', scenario: 'uboot-no-reconnect' });
    const d = await drive(board, 'tfa');
    await fipAndDetach(d);
    await expect(d.rec.connectOn('1-2', clock, 60_000)).rejects.toThrow(/no matching bus event/);
    expect(board.status()).toMatchObject({
      stage: 'halted',
      haltReason: expect.stringContaining('never pulled D+') as unknown,
    });
    expect(d.rec.events.map((e) => e.type)).toEqual(['connect', 'disconnect']);
  });

  it('vm-filter: U-Boot enumerates but the host never sees it; host facts name the VM', async () => {
    const board = setup({ soc: 'mp13', scenario: 'vm-filter' });
    const d = await drive(board, 'tfa');
    await fipAndDetach(d);
    await expect(d.rec.connectOn('1-2', clock, 30_000)).rejects.toThrow(/no matching bus event/);
    expect(board.status().stage).toBe('uboot-layout');
    const hidden = board.identity()!;
    expect(hidden.product).toMatch(/^USB download gadget/);
    expect(await bus!.list(IO)).toEqual([]);
    await expect(bus!.open(hidden.connectionId, IO)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'device-not-found'),
    );
    const facts = simulatedHostFacts('vm-filter');
    expect(facts.vm).toMatchObject({ detected: true, kind: 'virtualbox' });
    expect(facts.vm.evidence.join(' ')).toContain('VirtualBox');
    expect(simulatedHostFacts().vm.detected).toBe(false);
  });

  it('tfa-auth-fail: BL2 fails -80 after the FIP; U-Boot never comes', async () => {
    const board = setup({ soc: 'mp25', scenario: { id: 'tfa-auth-fail', imageId: 4 } });
    const d = await drive(board, 'tfa');
    await downloadRaw(d.t, clock, 0, fipImage(9000, 3), 1024);
    await d.reconnect();
    await fipAndDetach(d);
    await expect(d.rec.connectOn('1-2', clock, 60_000)).rejects.toThrow();
    expect(board.console().map((l) => l.text)).toContain('ERROR: BL2: Failed to load image id 4 (-80)');
    expect(board.status().stage).toBe('halted');
  });

  it('tfa-crash on MP15: after dfuMANIFEST nothing answers; requests time out and honour abort', async () => {
    const board = setup({ soc: 'mp15', scenario: 'tfa-crash' });
    const d = await drive(board, 'rom');
    const failure = await downloadRaw(d.t, clock, 1, fsblImage('mp15'), 1024).catch((e: unknown) => e);
    // The GETSTATUS after the 7 never returns.
    expect(isAppError(failure, 'timeout')).toBe(true);
    const controller = new AbortController();
    const pending = getStatus(d.t).catch((e: unknown) => e);
    controller.abort();
    const aborted = d.t.controlIn(
      { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 },
      6,
      {
        timeoutMs: 5_000,
        signal: controller.signal,
      },
    );
    await expect(aborted).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    expect(isAppError(await pending, 'timeout')).toBe(true);
    expect(board.console().map((l) => l.text)).toContain('PANIC at PC : 0x2ffe0a40');
    expect(d.rec.events.map((e) => e.type)).toEqual(['connect']);
  });

  it('tfa-crash on MP13: after the ROM DETACH TF-A never enumerates', async () => {
    const board = setup({ soc: 'mp13', scenario: 'tfa-crash' });
    const d = await drive(board, 'rom');
    await downloadRaw(d.t, clock, 0, fsblImage('mp13'), 1024);
    await detach(d.t);
    await expect(d.rec.connectOn('1-2', clock, 30_000)).rejects.toThrow();
    expect(board.status().stage).toBe('halted');
  });

  it('fsbl-rejected: errUNKNOWN/dfuERROR after the manifest', async () => {
    const board = setup({ soc: 'mp25', scenario: 'fsbl-rejected' });
    const d = await drive(board, 'rom');
    const failure = await downloadRaw(d.t, clock, 0, fsblImage('mp25'), 1024).catch((e: unknown) => e);
    expect((failure as DfuFailure).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
  });

  it('layout-rejected: a valid layout still gets 0xFF + the forced message', async () => {
    const board = setup({ soc: 'mp15', scenario: 'layout-rejected' });
    const d = await drive(board, 'uboot-layout');
    await downloadRaw(d.t, clock, 0, wrapLayout(tsv(ROWS)), 4096);
    expect(await getPhase(d.t)).toMatchObject({ phase: 0xff, error: "Layout line 4: invalid offset 'zz'" });
    const custom = setup({
      soc: 'mp15',
      scenario: { id: 'layout-rejected', message: 'Layout: too many device' },
    });
    const d2 = await drive(custom, 'uboot-layout');
    await downloadRaw(d2.t, clock, 0, wrapLayout(tsv(ROWS)), 4096);
    expect((await getPhase(d2.t)).error).toBe('Layout: too many device');
  });

  it('write-error: errUNKNOWN/dfuERROR, CLRSTATUS, GetPhase 0xFF "DFU write error", DETACH resets to the ROM', async () => {
    const board = setup({
      soc: 'mp15',
      scenario: { id: 'write-error', partitionId: 0x11, atOffsetBytes: 8192 },
    });
    const d = await drive(board, 'uboot-flash');
    await downloadRaw(d.t, clock, altIndexForPhase(d.t, 0x10), pseudoRandomBytes(20_000, 1), 4096);
    const failure = await downloadRaw(
      d.t,
      clock,
      altIndexForPhase(d.t, 0x11),
      pseudoRandomBytes(20_000, 2),
      4096,
    ).catch((e: unknown) => e);
    expect((failure as DfuFailure).lastStatus).toMatchObject({ status: 0x0e, state: 10 });
    expect(
      board.transferLog().filter((e) => e.request === 'DNLOAD' && e.stage === 'uboot-flash' && e.alt === 1),
    ).toHaveLength(3);
    await clrStatus(d.t);
    expect(await getPhase(d.t)).toMatchObject({ phase: 0xff, error: 'DFU write error' });
    await d.reconnect();
    expect(d.identity.product).toMatch(/^DFU in HS Mode/);
  });

  it('unplug: the request in flight and every later one reject device-gone; nothing returns', async () => {
    const board = setup({
      soc: 'mp15',
      scenario: { id: 'unplug', stage: 'uboot-flash', afterBytes: 64 * 1024 },
    });
    const d = await drive(board, 'uboot-flash');
    const failure = await downloadRaw(d.t, clock, 0, pseudoRandomBytes(200_000, 3), 4096).catch(
      (e: unknown) => e,
    );
    expect(isAppError(failure, 'device-gone')).toBe(true);
    expect(
      board.transferLog().filter((e) => e.request === 'DNLOAD' && e.stage === 'uboot-flash'),
    ).toHaveLength(17);
    await expect(d.rec.connectOn('1-2', clock, 120_000)).rejects.toThrow();
    expect(d.rec.events.at(-1)?.type).toBe('disconnect');
    expect(board.stage).toBe('unplugged');
    await expect(getStatus(d.t)).rejects.toSatisfy((e: unknown) => isAppError(e, 'device-gone'));
    expect(bus!.plugged()).toEqual([]);
  });

  it('slow-reconnect: U-Boot comes back after 20 s, inside a 30 s timeout', async () => {
    const board = setup({ soc: 'mp15', scenario: 'slow-reconnect' });
    const d = await drive(board, 'tfa');
    const at = await fipAndDetach(d);
    const uboot = await d.rec.connectOn('1-2', clock, 30_000);
    expect(clock.nowMs() - at).toBeGreaterThanOrEqual(20_000);
    expect(clock.nowMs() - at).toBeLessThan(21_000);
    expect(uboot.product).toMatch(/^USB download gadget/);
  });

  it('serial-change: the board comes back with another serial on the same port; null means no serial string', async () => {
    const board = setup({ soc: 'mp15', serial: '003B00213439511334383734', scenario: 'serial-change' });
    const d = await drive(board, 'uboot-layout');
    expect(d.identities.map((i) => i.serial)).toEqual([
      '003B00213439511334383734',
      '003B00213439511334383735',
    ]);
    expect(d.identities.map((i) => i.portPath)).toEqual(['1-2', '1-2']);
    const none = setup({ soc: 'mp13', scenario: { id: 'serial-change', serial: null } });
    const d2 = await drive(none, 'uboot-layout');
    expect(d2.identity.serial).toBeNull();
    const device = (await getDescriptor(d2.t, 1, 0)) as Uint8Array;
    expect(device[16]).toBe(0);
  });

  it('permission-denied: the re-enumerated device is listed but cannot be opened', async () => {
    const board = setup({ soc: 'mp15', scenario: 'permission-denied' });
    const failure = await drive(board, 'uboot-layout').catch((e: unknown) => e);
    expect(isAppError(failure, 'usb-permission-denied')).toBe(true);
    const listed = await bus!.list(IO);
    expect(listed.map((i) => i.product)).toEqual([expect.stringMatching(/^USB download gadget/) as unknown]);
    expect(board.transferLog().at(-1)).toMatchObject({ request: 'OPEN', outcome: 'permission-denied' });
    expect(simulatedHostFacts('permission-denied').usbAccess.state).toBe('no-udev-rule');
  });

  it('second-board: another board appears on another port while the first one re-enumerates', async () => {
    const board = setup({
      soc: 'mp15',
      scenario: { id: 'second-board', stage: 'uboot-layout', portPath: '1-4' },
    });
    const d = await drive(board, 'uboot-layout');
    const other = await d.rec.connectOn('1-4', clock);
    expect(other.product).toMatch(/^DFU in HS Mode/);
    expect(other.serial).not.toBe(board.serial);
    expect(bus!.plugged()).toHaveLength(2);
    await selectAlt(d.t, 0);
    expect(await dnload(d.t, 0, new Uint8Array(10))).toBe('ok');
  });
});
