import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { isAppError } from '../../../main/core/app-error.js';
import type { BusEvent } from '../../../main/transport/usb-transport.js';
import { SimulatedBus, createSimulatedBoard } from '../../../main/sim/index.js';
import { fipImage, fsblImage, pseudoRandomBytes, tsv, wrapLayout } from './helpers/images.js';
import { IO, dnload, getStatus, selectAlt } from './helpers/raw-dfu.js';
import { EventRecorder, bringTo } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const FILES = {
  fsbl: fsblImage('mp13'),
  fip: fipImage(),
  layout: wrapLayout(tsv([['P', '0x10', 'rootfs', 'FileSystem', 'mmc0', '0x4400', 'r']])),
};

describe('SimulatedBus', () => {
  it('delivers connect/disconnect asynchronously, never inside plug()/unplug()', async () => {
    const clock = new VirtualClock();
    bus = new SimulatedBus({ clock });
    const events: BusEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const board = createSimulatedBoard({ soc: 'mp15' });
    bus.plug(board);
    expect(events).toEqual([]);
    clock.advance(299);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events.map((e) => e.type)).toEqual(['connect']);
    expect(events[0]!.identity.seenAtMs).toBe(300);
    expect(events[0]!.identity.seenAt).toBe('2026-01-01T00:00:00.300Z');
    bus.unplug(board);
    expect(events).toHaveLength(1);
    clock.advance(0);
    expect(events.map((e) => e.type)).toEqual(['connect', 'disconnect']);
    await Promise.resolve();
  });

  it('gives boards stable port paths and lists what is on the bus', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const boards = [
      createSimulatedBoard({ soc: 'mp15' }),
      createSimulatedBoard({ soc: 'mp13' }),
      createSimulatedBoard({ soc: 'mp25', portPath: '1-3.1' }),
    ];
    const rec = new EventRecorder(bus);
    boards.forEach((b) => bus!.plug(b));
    expect(boards.map((b) => b.portPath)).toEqual(['1-2', '1-3', '1-3.1']);
    await rec.connectOn('1-3.1', clock);
    const listed = await bus.list(IO);
    expect(listed.map((i) => [i.portPath, i.ports, i.bus])).toEqual([
      ['1-2', [2], 1],
      ['1-3', [3], 1],
      ['1-3.1', [3, 1], 1],
    ]);
    expect(new Set(listed.map((i) => i.serial)).size).toBe(3);
    expect(() => bus!.plug(createSimulatedBoard({ soc: 'mp15', portPath: '1-2' }))).toThrow(/already taken/);
    const controller = new AbortController();
    controller.abort();
    await expect(bus.list({ ...IO, signal: controller.signal })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'aborted'),
    );
  });

  it('open(): unknown ids are device-not-found, ids of a past enumeration device-gone', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const d = await bringTo(bus, clock, createSimulatedBoard({ soc: 'mp13' }), 'tfa', FILES);
    await expect(bus.open('nope', IO)).rejects.toSatisfy((e: unknown) => isAppError(e, 'device-not-found'));
    await expect(bus.open(d.identities[0]!.connectionId, IO)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'device-gone'),
    );
  });

  it('every call on a handle of a past enumeration rejects device-gone and is reported', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp13' });
    const rom = await bringTo(bus, clock, board, 'rom', FILES);
    const old = rom.t;
    await bus.close();
    bus = new SimulatedBus({ clock });
    const d = await bringTo(bus, clock, createSimulatedBoard({ soc: 'mp13' }), 'tfa', FILES);
    const stale = await bus.open(d.identity.connectionId, IO);
    await d.reconnect().catch(() => undefined);
    const gone = (e: unknown): boolean => isAppError(e, 'device-gone');
    await expect(getStatus(stale)).rejects.toSatisfy(gone);
    await expect(stale.selectAlternate(0, 0, IO)).rejects.toSatisfy(gone);
    await expect(stale.reset(IO)).rejects.toSatisfy(gone);
    await expect(stale.claimInterface(0, IO)).rejects.toSatisfy(gone);
    await expect(getStatus(old)).rejects.toSatisfy(gone);
    const [sim] = bus.plugged();
    expect(sim!.invariantViolations().map((v) => v.rule)).toEqual([
      'request-after-gone',
      'request-after-gone',
      'request-after-gone',
      'request-after-gone',
    ]);
  });

  it('honours timeoutMs while the device is busy flushing, and the signal of a queued request', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({
      soc: 'mp15',
      timing: { media: { mmc: { writeBytesPerSec: 1e6 } } },
    });
    const d = await bringTo(bus, clock, board, 'uboot-flash', { ...FILES, fsbl: fsblImage('mp15') });
    await selectAlt(d.t, 0);
    const data = pseudoRandomBytes(2 * 1024 * 1024, 1);
    for (let block = 0; block < 512; block++) {
      await dnload(d.t, block, data.subarray(block * 4096, (block + 1) * 4096));
      await getStatus(d.t);
    }
    await dnload(d.t, 512, new Uint8Array(0));
    expect((await getStatus(d.t)).state).toBe(7);
    // 2 MiB at 1 MB/s: the flush takes ~2 s; a 500 ms GETSTATUS times out.
    await expect(
      d.t.controlIn({ requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 }, 6, {
        timeoutMs: 500,
      }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, 'timeout'));
    const controller = new AbortController();
    const queued = d.t.controlIn(
      { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 },
      6,
      {
        timeoutMs: 10_000,
        signal: controller.signal,
      },
    );
    controller.abort();
    await expect(queued).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    expect((await getStatus(d.t)).state).toBe(2);
    expect(
      board
        .transferLog()
        .slice(-3)
        .map((e) => e.outcome),
    ).toEqual(['timeout', 'aborted', 'ok']);
  });

  it('close() rejects pending requests and leaves no timer behind', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const boards = [
      createSimulatedBoard({ soc: 'mp15', scenario: 'tfa-crash' }),
      createSimulatedBoard({ soc: 'mp13' }),
    ];
    const d = await bringTo(bus, clock, boards[0]!, 'rom', { ...FILES, fsbl: fsblImage('mp15') });
    bus.plug(boards[1]!);
    await selectAlt(d.t, 1);
    const image = fsblImage('mp15', 100);
    await dnload(d.t, 0, image);
    await getStatus(d.t);
    await getStatus(d.t);
    await dnload(d.t, 1, new Uint8Array(0));
    await getStatus(d.t);
    const hanging = getStatus(d.t).catch((e: unknown) => e);
    await clock.sleep(10);
    expect(bus.pendingTimerCount()).toBeGreaterThan(0);
    await bus.close();
    expect(isAppError(await hanging, 'device-gone')).toBe(true);
    expect(bus.pendingTimerCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    await expect(bus.list(IO)).rejects.toSatisfy((e: unknown) => isAppError(e, 'usb-unavailable'));
    bus = null;
  });
});
