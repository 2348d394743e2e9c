import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { FlashEvent, FlashEventBody, StageInfo } from '../../shared/domain/flash-event.js';
import type { HostFacts } from '../../shared/domain/host-facts.js';

export function hostFacts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    os: 'linux',
    osRelease: 'test',
    kernel: '6.12.0',
    arch: 'x64',
    hostname: 'bench',
    vm: { detected: false, kind: null, evidence: [] },
    usbAccess: { state: 'ok', detail: 'ok', fix: null },
    versions: { node: '20', electron: null, usb: '3.1.0', app: '0.1.0' },
    ...overrides,
  };
}

let nextConnection = 1;

export function identity(overrides: Partial<BoardIdentity> = {}): BoardIdentity {
  return {
    connectionId: `c${nextConnection++}`,
    vid: 0x0483,
    pid: 0xdf11,
    bcdDevice: 0x0200,
    manufacturer: 'STMicroelectronics',
    product: 'DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000',
    serial: '003B00213439511334383734',
    portPath: '1-2',
    bus: 1,
    ports: [2],
    speed: 'high',
    alts: [],
    seenAtMs: 0,
    seenAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function stageInfo(stage: StageInfo['stage']): StageInfo {
  return { stage, soc: 'mp15', deviceId: 0x500, revisionId: 0, socName: null };
}

/** Builds a timestamped event list the way a session would emit it. */
export class EventLog {
  readonly events: FlashEvent[] = [];
  private tMs = 0;

  at(tMs: number): this {
    this.tMs = tMs;
    return this;
  }

  push(body: FlashEventBody): this {
    this.events.push({
      ...body,
      tMs: this.tMs,
      at: new Date(Date.UTC(2026, 0, 1) + this.tMs).toISOString(),
    });
    return this;
  }

  start(host: HostFacts = hostFacts(), target = { portPath: '1-2', serial: null as string | null }): this {
    return this.push({
      type: 'session-start',
      sessionId: 's1',
      layoutPath: '/x/l.tsv',
      target,
      host,
      appVersion: '0.1.0',
    });
  }
}
