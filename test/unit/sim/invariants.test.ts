import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { INVARIANT_RULES, SimulatedBus, createSimulatedBoard, type SimSoc } from '../../../main/sim/index.js';
import { fipImage, fsblImage, tsv, wrapLayout } from './helpers/images.js';
import { IO, classIn, detach, dnload, getStatus, selectAlt } from './helpers/raw-dfu.js';
import { bringTo, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
let clock: VirtualClock;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

async function drive(soc: SimSoc, target: 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash'): Promise<Driven> {
  clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  return bringTo(bus, clock, createSimulatedBoard({ soc }), target, {
    fsbl: fsblImage(soc),
    fip: fipImage(),
    ddrFip: fipImage(9000, 5),
    layout: wrapLayout(tsv([['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x4400', 'r']])),
  });
}

const rules = (): string[] =>
  bus!
    .plugged()[0]!
    .invariantViolations()
    .map((v) => v.rule);

describe('protocol-invariant checks', () => {
  it('a well-behaved walk to U-Boot has no violation', async () => {
    await drive('mp25', 'uboot-flash');
    expect(rules()).toEqual([]);
    expect(Object.keys(INVARIANT_RULES)).toContain('block-sequence');
  });

  it('flags a host that sends the next block before GETSTATUS', async () => {
    const { t } = await drive('mp13', 'tfa');
    await selectAlt(t, 0);
    await dnload(t, 0, new Uint8Array(1024));
    expect(await dnload(t, 1, new Uint8Array(1024))).toBe('stall');
    expect(rules()).toEqual(['dnload-before-status']);
  });

  it('flags U-Boot block numbers that do not start at 0 and a DNLOAD above wTransferSize', async () => {
    const { t } = await drive('mp15', 'uboot-flash');
    await selectAlt(t, 0);
    await dnload(t, 1, new Uint8Array(16));
    expect((await getStatus(t)).state).toBe(10);
    const violations = bus!.plugged()[0]!.invariantViolations();
    expect(violations).toEqual([
      expect.objectContaining({
        rule: 'block-sequence',
        stage: 'uboot-flash',
        message: 'U-Boot expected block 0, got 1',
      }),
    ]);
    const entry = bus!
      .plugged()[0]!
      .transferLog()
      .find((e) => e.seq === violations[0]!.logSeq);
    expect(entry).toMatchObject({ request: 'DNLOAD', stateBefore: 2, stateAfter: 10, outcome: 'ok' });
  });

  it('a USB reset after DETACH to U-Boot reboots the board and is flagged unless allowed', async () => {
    const d = await drive('mp15', 'uboot-layout');
    await detach(d.t);
    await d.t.reset(IO);
    const rom = await d.rec.connectOn('1-2', clock);
    expect(rom.product).toMatch(/^DFU in HS Mode/);
    const board = bus!.plugged()[0]!;
    expect(board.invariantViolations().map((v) => v.rule)).toEqual(['reset-after-uboot-detach']);
    expect(board.invariantViolations({ allow: ['reset-after-uboot-detach'] })).toEqual([]);
  });

  it('bwPollTimeout spacing is checked only on request', async () => {
    const { t } = await drive('mp13', 'rom');
    await selectAlt(t, 0);
    await dnload(t, 0, fsblImage('mp13').subarray(0, 1024));
    expect((await getStatus(t)).state).toBe(4);
    expect((await getStatus(t)).state).toBe(5);
    const board = bus!.plugged()[0]!;
    expect(board.invariantViolations()).toEqual([]);
    expect(board.invariantViolations({ checkPollTimeout: true }).map((v) => v.rule)).toEqual([
      'poll-timeout-ignored',
    ]);
  });

  it('records every request in the transfer log with stage, setup, state and outcome', async () => {
    const { t } = await drive('mp13', 'rom');
    await classIn(t, 5, 0, 1);
    const entry = bus!.plugged()[0]!.transferLog().at(-1)!;
    expect(entry).toMatchObject({
      kind: 'control-in',
      request: 'GETSTATE',
      stage: 'rom',
      setup: { requestType: 'class', recipient: 'interface', request: 5, value: 0, index: 0 },
      lengthBytes: 1,
      stateBefore: 2,
      stateAfter: 2,
      outcome: 'ok',
      replyBytes: 1,
      connectionId: t.identity.connectionId,
    });
    expect(entry.endMs! - entry.atMs).toBeGreaterThan(0);
    expect(bus!.transferLog().at(-1)).toMatchObject({ seq: entry.seq, board: bus!.plugged()[0]!.label });
  });
});
