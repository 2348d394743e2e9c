import { describe, expect, test } from 'vitest';
import { defaultLogFilter, filterLog } from '../../../renderer/src/devices/log-filter.js';
import { preflightItems } from '../../../renderer/src/preflight/preflight-items.js';
import {
  plannedTransferBytes,
  problemLocation,
  sortProblems,
  worstSeverity,
} from '../../../renderer/src/layout/layout-format.js';
import { resolveTheme, toggledTheme } from '../../../renderer/src/settings/theme.js';
import { appReducer, effectiveTarget, initialAppState } from '../../../renderer/src/app/app-state.js';
import { hostViewOf } from '../../../main/app/host-service.js';
import { simulatedHostFacts } from '../../../main/sim/index.js';
import { loadFlashLayout } from '../../../main/layout/load-flash-layout.js';
import { writeSampleLayout } from '../../../main/sample/sample-layout.js';
import { layoutProblem } from '../../../shared/domain/layout-problem.js';
import type { BusLogEntry } from '../../../shared/ipc/boards-channels.js';
import { hostFacts, identity, stageInfo } from '../../helpers/flash-event-builder.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const entry = (
  seq: number,
  kind: BusLogEntry['kind'],
  portPath: string,
  serial: string | null,
): BusLogEntry => ({
  seq,
  kind,
  at: '2026-01-01T00:00:00.000Z',
  tMs: seq,
  identity: identity({ portPath, serial }),
  info: stageInfo('rom'),
  change: null,
});

describe('enumeration log filter', () => {
  const log = [
    entry(1, 'attach', '1-2', 'AAA'),
    entry(2, 'detach', '1-2', 'AAA'),
    entry(3, 'identity', '1-3', null),
  ];
  test('by kind, by port, by text', () => {
    expect(filterLog(log, defaultLogFilter)).toHaveLength(3);
    expect(
      filterLog(log, { ...defaultLogFilter, kinds: { attach: true, detach: false, identity: true } }).map(
        (e) => e.seq,
      ),
    ).toEqual([1, 3]);
    expect(filterLog(log, { ...defaultLogFilter, port: '1-3' }).map((e) => e.seq)).toEqual([3]);
    expect(filterLog(log, { ...defaultLogFilter, text: 'aaa' }).map((e) => e.seq)).toEqual([1, 2]);
    expect(filterLog(log, { ...defaultLogFilter, text: '0483:df11' })).toHaveLength(3);
  });
});

describe('pre-flight items', () => {
  test('a VM and a missing udev rule come first with the one command to run', () => {
    const host = hostViewOf(
      hostFacts({
        vm: { detected: true, kind: 'virtualbox', evidence: [] },
        usbAccess: { state: 'no-udev-rule', detail: 'No rule.', fix: null },
      }),
      new Date(0),
      '/opt/app/50-stm32mp-dfu.rules',
    );
    const items = preflightItems(host, null);
    expect(items.map((i) => i.kind)).toEqual(['usb', 'vm']);
    const usb = items[0]!;
    expect(usb.kind === 'usb' && usb.command).toContain(
      'sudo cp /opt/app/50-stm32mp-dfu.rules /etc/udev/rules.d/',
    );
    expect(items[1]!.title).toBe('This computer is a VirtualBox virtual machine');
    expect(host.vmAdvice?.steps.some((s) => s.command?.includes('VBoxManage usbfilter add'))).toBe(true);
  });

  test('Windows explains the WinUSB binding; a healthy Linux host says nothing', () => {
    const windows = hostViewOf(
      hostFacts({ os: 'win32', usbAccess: { state: 'unknown', detail: '', fix: null } }),
      new Date(0),
    );
    const items = preflightItems(windows, null);
    expect(items).toHaveLength(1);
    expect(items[0]!.kind === 'usb' && items[0]!.explanation).toContain('WinUSB');
    expect(preflightItems(hostViewOf(simulatedHostFacts(), new Date(0)), null)).toEqual([]);
  });

  test('layout errors block, warnings inform', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'preflight-'));
    const { layoutPath } = await writeSampleLayout(dir, { soc: 'mp13', rootfsBytes: 4096 });
    const plan = await loadFlashLayout(layoutPath);
    expect(preflightItems(null, plan)).toEqual([]);
    expect(plannedTransferBytes(plan)).toBeGreaterThan(1024 * 1024);
    const broken = { ...plan, problems: [layoutProblem('missing-fsbl', null, null, 'No 0x01 row.')] };
    expect(preflightItems(null, broken)).toEqual([
      expect.objectContaining({ kind: 'layout', level: 'error', title: 'The layout has 1 error' }),
    ]);
  });
});

describe('layout formatting', () => {
  test('problems sorted worst first, then by line, located in words', () => {
    const problems = [
      layoutProblem('unused-row', 9, 'row', 'unused'),
      layoutProblem('invalid-id', 4, 'id', 'bad id'),
      layoutProblem('trailing-tab', 2, 'binary', 'tab'),
    ];
    expect(sortProblems(problems).map((p) => p.line)).toEqual([4, 2, 9]);
    expect(worstSeverity(problems)).toBe('error');
    expect(worstSeverity([])).toBeNull();
    expect(problemLocation(problems[1]!)).toBe('Line 4 · Id');
    expect(problemLocation(layoutProblem('empty-file', null, null, 'x'))).toBe('Whole file');
  });
});

describe('theme and app state', () => {
  test('theme follows the system unless chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme(undefined, false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(toggledTheme('dark')).toBe('light');
  });

  test('the target is the picked port, or the only board', () => {
    const board = { identity: identity({ portPath: '1-4' }), info: stageInfo('rom'), flashing: false };
    expect(effectiveTarget({ selectedPort: null, boards: [board] })).toBe('1-4');
    expect(effectiveTarget({ selectedPort: null, boards: [board, board] })).toBeNull();
    expect(effectiveTarget({ selectedPort: '1-2', boards: [] })).toBe('1-2');
  });

  test('the bus log merges snapshots and live entries without duplicates', () => {
    let state = appReducer(initialAppState, { type: 'bus-log', entry: entry(2, 'attach', '1-2', null) });
    state = appReducer(state, {
      type: 'boards-snapshot',
      snapshot: {
        boards: [],
        log: [
          entry(1, 'attach', '1-2', null),
          entry(2, 'attach', '1-2', null),
          entry(3, 'detach', '1-2', null),
        ],
      },
    });
    expect(state.busLog.map((e) => e.seq)).toEqual([2, 3]);
  });
});
