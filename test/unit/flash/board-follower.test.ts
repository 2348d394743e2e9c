import { describe, expect, it } from 'vitest';
import type { BoardIdentity } from '../../../shared/domain/board-identity.js';
import type { FlashEventBody, StageInfo } from '../../../shared/domain/flash-event.js';
import { isAppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import { BoardFollower } from '../../../main/flash/board-follower.js';
import type { BusListener, UsbBus } from '../../../main/transport/usb-transport.js';
import { identity } from '../../helpers/flash-event-builder.js';

class FakeBus implements UsbBus {
  listeners = new Set<BusListener>();
  present: BoardIdentity[] = [];
  list(): Promise<BoardIdentity[]> {
    return Promise.resolve([...this.present]);
  }
  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  open(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  connect(id: BoardIdentity): void {
    this.present.push(id);
    for (const l of this.listeners) l({ type: 'connect', identity: id });
  }
  disconnect(id: BoardIdentity): void {
    this.present = this.present.filter((p) => p !== id);
    for (const l of this.listeners) l({ type: 'disconnect', identity: id });
  }
}

const classify = (id: BoardIdentity): StageInfo => ({
  stage: id.product?.startsWith('USB download gadget')
    ? 'uboot-layout'
    : id.product?.startsWith('DFU @')
      ? 'tfa'
      : 'rom',
  soc: 'mp15',
  deviceId: 0x500,
  revisionId: null,
  socName: null,
});

function setup(target = { portPath: null as string | null, serial: null as string | null }) {
  const bus = new FakeBus();
  const clock = new VirtualClock();
  const events: FlashEventBody[] = [];
  const follower = new BoardFollower({ bus, clock, classify, emit: (e) => events.push(e) }, target);
  follower.start();
  return { bus, clock, events, follower };
}

const uboot = (over: Partial<BoardIdentity> = {}): BoardIdentity =>
  identity({ product: 'USB download gadget@Device ID /0x500, @Revision ID /0x2000, @Name /X,', ...over });

describe('BoardFollower', () => {
  it('adopts the single board present and learns its port path and serial', async () => {
    const { bus, follower } = setup();
    const rom = identity({ portPath: '3-1', serial: 'S1' });
    bus.present.push(rom);
    await expect(follower.findInitial({ timeoutMs: 1000 })).resolves.toBe(rom);
    expect(follower.target).toEqual({ portPath: '3-1', serial: 'S1' });
  });

  it('refuses to guess between two boards', async () => {
    const { bus, follower } = setup();
    bus.present.push(identity({ portPath: '1-1' }), identity({ portPath: '1-2' }));
    await expect(follower.findInitial({ timeoutMs: 1000 })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'ambiguous-target'),
    );
  });

  it('resolves on the next stage at the same port and ignores other boards', async () => {
    const { bus, events, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const waiting = follower.waitForStage({
      after: 'after-fip',
      expecting: ['uboot-layout'],
      timeoutMs: 30_000,
      notConnectionId: null,
    });
    const other = uboot({ portPath: '1-3', serial: 'S2' });
    bus.connect(other);
    const ours = uboot({ portPath: '1-2', serial: 'S1' });
    bus.connect(ours);
    await expect(waiting).resolves.toBe(ours);
    const roles = events
      .filter((e) => e.type === 'identity')
      .map((e) => (e.type === 'identity' ? e.role : ''));
    expect(roles).toEqual(['other', 'target']);
    expect(events.at(-1)).toMatchObject({
      type: 'wait-end',
      result: 'arrived',
      connectionId: ours.connectionId,
    });
  });

  it('stops with wrong-board when the port comes back with another serial', async () => {
    const { bus, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const waiting = follower.waitForStage({
      after: 'after-fip',
      expecting: ['uboot-layout'],
      timeoutMs: 30_000,
      notConnectionId: null,
    });
    bus.connect(uboot({ portPath: '1-2', serial: 'OTHER' }));
    await expect(waiting).rejects.toSatisfy((e: unknown) => isAppError(e, 'wrong-board'));
  });

  it('reports a board reset when the ROM comes back instead', async () => {
    const { bus, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const waiting = follower.waitForStage({
      after: 'after-layout',
      expecting: ['uboot-partitions'],
      timeoutMs: 30_000,
      notConnectionId: null,
    });
    bus.connect(identity({ portPath: '1-2', serial: 'S1' }));
    await expect(waiting).rejects.toSatisfy((e: unknown) => isAppError(e, 'board-reset'));
  });

  it('times out on the injected clock and clears its timer', async () => {
    const { clock, events, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const waiting = follower.waitForStage({
      after: 'after-fip',
      expecting: ['uboot-layout'],
      timeoutMs: 30_000,
      notConnectionId: null,
    });
    clock.advance(29_999);
    clock.advance(1);
    await expect(waiting).rejects.toSatisfy((e: unknown) => isAppError(e, 'reenumeration-timeout'));
    expect(events.at(-1)).toMatchObject({ type: 'wait-end', result: 'timeout', elapsedMs: 30_000 });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('skips the connection it detached from and accepts a board that came back before the wait began', async () => {
    const { bus, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const old = uboot({ portPath: '1-2', serial: 'S1' });
    bus.connect(old);
    const again = uboot({ portPath: '1-2', serial: 'S1' });
    bus.disconnect(old);
    bus.connect(again);
    await expect(
      follower.waitForStage({
        after: 'after-layout',
        expecting: ['uboot-layout'],
        timeoutMs: 1000,
        notConnectionId: old.connectionId,
      }),
    ).resolves.toBe(again);
  });

  it('is cancelled by its signal', async () => {
    const { clock, follower } = setup({ portPath: '1-2', serial: 'S1' });
    const controller = new AbortController();
    const waiting = follower.waitForStage({
      after: 'after-fip',
      expecting: ['uboot-layout'],
      timeoutMs: 1000,
      notConnectionId: null,
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    expect(clock.pendingTimers()).toBe(0);
  });
});
