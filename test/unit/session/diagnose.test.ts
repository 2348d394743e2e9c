import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../main/session/diagnosis/diagnose.js';
import { CAUSES, SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import { EventLog, hostFacts, identity, stageInfo } from '../../helpers/flash-event-builder.js';

const tfa = identity({ product: 'DFU @Device ID /0x500, @Revision ID /0x2000, @Name /STM32MP157CAA Rev.B,' });

function waitTimedOut(
  log: EventLog,
  after: 'after-fip' | 'after-fsbl' | 'after-layout' | 'start',
  timeoutMs = 30_000,
): EventLog {
  return log
    .push({
      type: 'wait-start',
      after,
      expecting: ['uboot-layout'],
      portPath: '1-2',
      timeoutMs,
      deadlineAt: '',
    })
    .at(log.events.at(-1)!.tMs + timeoutMs)
    .push({ type: 'wait-end', after, result: 'timeout', elapsedMs: timeoutMs, connectionId: null })
    .push({
      type: 'error',
      stage: 'tfa',
      error: { code: 'reenumeration-timeout', message: 'Timed out', hint: null, fields: {} },
    })
    .push({
      type: 'outcome',
      ok: false,
      cancelled: false,
      symptom: null,
      diagnosis: null,
      durationMs: 0,
      partitionsWritten: 0,
      bytesWritten: 0,
    });
}

describe('diagnose', () => {
  it('returns null for a successful session', () => {
    const log = new EventLog().start().push({
      type: 'outcome',
      ok: true,
      cancelled: false,
      symptom: null,
      diagnosis: null,
      durationMs: 1,
      partitionsWritten: 3,
      bytesWritten: 10,
    });
    expect(diagnose(log.events)).toBeNull();
  });

  it('names U-Boot OTG setup first when U-Boot never enumerates on bare metal', () => {
    const log = new EventLog().start().push({
      type: 'identity',
      change: 'connect',
      role: 'target',
      identity: tfa,
      info: stageInfo('tfa'),
      serialNote: null,
    });
    log.at(1_000).push({ type: 'detach', stage: 'tfa', tolerated: null });
    log.push({
      type: 'identity',
      change: 'disconnect',
      role: 'target',
      identity: tfa,
      info: stageInfo('tfa'),
      serialNote: null,
    });
    const d = diagnose(waitTimedOut(log, 'after-fip').events)!;
    expect(d.symptom).toBe('no-reenumeration');
    expect(d.variant).toBe('after-fip');
    expect(d.causes[0]!.id).toBe('uboot-otg-setup');
    expect(d.evidence.join(' ')).toContain('port 1-2');
    expect(d.causes.map((c) => c.id)).not.toContain('vm-usb-filter');
  });

  it('puts the VM USB filter first, with the exact advice, when the host is a VM', () => {
    const host = hostFacts({
      vm: { detected: true, kind: 'virtualbox', evidence: ['DMI product: VirtualBox'] },
    });
    const log = new EventLog().start(host);
    const d = diagnose(waitTimedOut(log, 'after-fip').events, {
      vmFilterAdvice: () => 'VBoxManage usbfilter add 0 …',
    })!;
    expect(d.causes[0]!.id).toBe('vm-usb-filter');
    expect(d.causes[0]!.likelihood).toBe('high');
    expect(d.causes[0]!.checks[0]).toBe('VBoxManage usbfilter add 0 …');
    expect(d.causes[0]!.evidence.join(' ')).toContain('VirtualBox');
  });

  it('ranks TF-A authentication higher when the FIP carries TBB certificates', () => {
    const plain = diagnose(waitTimedOut(new EventLog().start(), 'after-fip').events)!;
    const signedLog = new EventLog().start().push({
      type: 'preflight',
      level: 'info',
      code: 'fip-tbb',
      message: 'signed',
      hint: null,
    });
    const signed = diagnose(waitTimedOut(signedLog, 'after-fip').events)!;
    const scoreOf = (d: typeof plain, id: string): number => d.causes.find((c) => c.id === id)!.score;
    expect(scoreOf(signed, 'tfa-auth-failure')).toBeGreaterThan(scoreOf(plain, 'tfa-auth-failure'));
    expect(signed.causes[0]!.id).toBe('tfa-auth-failure');
  });

  it('reports board-not-found when nothing appears at the start', () => {
    const d = diagnose(waitTimedOut(new EventLog().start(), 'start', 5_000).events)!;
    expect(d.symptom).toBe('board-not-found');
  });

  it('maps a layout 0xFF to layout-rejected with the device text and the source line', () => {
    const log = new EventLog()
      .start()
      .push({
        type: 'phase',
        stage: 'uboot-layout',
        phase: 0xff,
        address: 0xffffffff,
        offset: 0,
        needDetach: null,
        errorText: "Layout line 4: invalid offset 'zz'",
      })
      .push({
        type: 'error',
        stage: 'uboot-layout',
        error: {
          code: 'phase-error',
          message: 'U-Boot refused the layout',
          hint: null,
          fields: { sourceLine: 7 },
        },
      });
    const d = diagnose(log.events)!;
    expect(d.symptom).toBe('layout-rejected');
    expect(d.deviceText).toBe("Layout line 4: invalid offset 'zz'");
    expect(d.layoutLine).toBe(7);
    expect(d.causes[0]!.id).toBe('layout-content');
  });

  it('names the partition when a write fails', () => {
    const log = new EventLog()
      .start()
      .push({
        type: 'stage',
        phase: 'uboot-partitions',
        info: stageInfo('uboot-partitions'),
        connectionId: 'c9',
      })
      .push({
        type: 'partition-start',
        stage: 'uboot-partitions',
        phaseId: 0x12,
        name: 'rootfs',
        alt: 8,
        sizeBytes: 100,
        file: 'rootfs.ext4',
      })
      .push({
        type: 'phase',
        stage: 'uboot-partitions',
        phase: 0xff,
        address: 0xffffffff,
        offset: 0,
        needDetach: null,
        errorText: 'DFU write error',
      });
    const d = diagnose(log.events)!;
    expect(d.symptom).toBe('partition-write-failed');
    expect(d.partition).toEqual({ phaseId: 0x12, name: 'rootfs' });
  });

  it('tells a different board from a reset', () => {
    const wrong = new EventLog()
      .start(hostFacts(), { portPath: '1-2', serial: 'AAA' })
      .push({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: identity({ serial: 'BBB' }),
        info: stageInfo('uboot-layout'),
        serialNote: 'changed',
      })
      .push({
        type: 'wait-start',
        after: 'after-fip',
        expecting: ['uboot-layout'],
        portPath: '1-2',
        timeoutMs: 1,
        deadlineAt: '',
      })
      .push({
        type: 'wait-end',
        after: 'after-fip',
        result: 'wrong-board',
        elapsedMs: 1,
        connectionId: null,
      });
    const d = diagnose(wrong.events)!;
    expect(d.symptom).toBe('different-board');
    expect(d.causes[0]!.evidence[0]).toContain('BBB');
    const reset = new EventLog()
      .start()
      .push({
        type: 'wait-start',
        after: 'after-fip',
        expecting: ['uboot-layout'],
        portPath: '1-2',
        timeoutMs: 1,
        deadlineAt: '',
      })
      .push({
        type: 'wait-end',
        after: 'after-fip',
        result: 'board-reset',
        elapsedMs: 1,
        connectionId: null,
      });
    expect(diagnose(reset.events)!.symptom).toBe('board-reset');
  });

  it('classifies permission and busy errors as reenumerated-inaccessible', () => {
    const log = new EventLog().start().push({
      type: 'error',
      stage: 'uboot-layout',
      error: { code: 'usb-permission-denied', message: 'Access denied', hint: null, fields: {} },
    });
    const d = diagnose(log.events)!;
    expect(d.symptom).toBe('reenumerated-inaccessible');
    expect(d.causes[0]!.id).toBe('host-permissions');
    const busy = new EventLog().start().push({
      type: 'error',
      stage: 'uboot-layout',
      error: { code: 'usb-busy', message: 'busy', hint: null, fields: {} },
    });
    expect(diagnose(busy.events)!.causes[0]!.id).toBe('device-held-by-another-program');
  });

  it('classifies a cancel, an unplug and a full-speed link', () => {
    const cancelled = new EventLog().start().push({
      type: 'outcome',
      ok: false,
      cancelled: true,
      symptom: null,
      diagnosis: null,
      durationMs: 1,
      partitionsWritten: 0,
      bytesWritten: 0,
    });
    expect(diagnose(cancelled.events)!.symptom).toBe('cancelled');
    const unplug = new EventLog()
      .start()
      .push({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: identity({ speed: 'full' }),
        info: stageInfo('rom'),
        serialNote: null,
      })
      .push({
        type: 'partition-start',
        stage: 'rom',
        phaseId: 1,
        name: 'fsbl',
        alt: 1,
        sizeBytes: 100,
        file: 'a',
      })
      .push({
        type: 'error',
        stage: 'rom',
        error: { code: 'device-gone', message: 'gone', hint: null, fields: {} },
      });
    const d = diagnose(unplug.events)!;
    expect(d.symptom).toBe('device-unplugged');
    expect(d.causes.map((c) => c.id)).toContain('full-speed-link');
  });

  it('only uses catalogued symptoms and causes, with checks for every cause', () => {
    for (const id of Object.keys(CAUSES) as (keyof typeof CAUSES)[])
      expect(CAUSES[id].checks.length).toBeGreaterThan(0);
    expect(Object.keys(SYMPTOMS)).toContain('no-reenumeration');
  });
});
