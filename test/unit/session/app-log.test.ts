import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openAppLog, openCliAppLog, writeRendererLogLine } from '../../../main/session/app-log.js';
import { logFlashEvents } from '../../../main/session/app-log-flash.js';
import { readAppLogTail } from '../../../main/session/app-log-tail.js';
import { EventLog } from '../../helpers/flash-event-builder.js';

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) \[(main|cli|renderer)\] /;

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'app-log-'));
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
}

describe('app log (electron-log file transport)', () => {
  it('writes one line per record: ISO time, level, source, message, JSON context', async () => {
    const dir = await tempDir();
    const log = openAppLog({ dir, source: 'main' });
    log.write('info', 'app started', { mode: 'desktop' });
    log.write('error', 'two\nlines');
    log.withSource('cli').write('warn', 'from the cli');
    await log.flush();
    const written = await lines(path.join(dir, 'app.log'));
    expect(written).toHaveLength(3);
    written.forEach((line) => expect(line).toMatch(LINE));
    expect(written[0]).toMatch(/ info {2}\[main\] app started \{"mode":"desktop"\}$/);
    expect(written[1]).toMatch(/ error \[main\] two ⏎ lines$/);
    expect(written[2]).toMatch(/ warn {2}\[cli\] from the cli$/);
    expect(log.filePath).toBe(path.join(dir, 'app.log'));
  });

  it('drops lines below its level', async () => {
    const dir = await tempDir();
    const log = openAppLog({ dir, source: 'main', level: 'warn' });
    log.write('debug', 'no');
    log.write('info', 'no');
    log.write('warn', 'yes');
    expect(await lines(path.join(dir, 'app.log'))).toHaveLength(1);
  });

  it('rotates to app.1.log … app.N.log and drops the oldest', async () => {
    const dir = await tempDir();
    const log = openAppLog({ dir, source: 'main', maxSizeBytes: 400, archives: 2 });
    for (let i = 0; i < 40; i++) log.write('info', `line ${i} ${'x'.repeat(40)}`);
    expect((await readdir(dir)).sort()).toEqual(['app.1.log', 'app.2.log', 'app.log']);
    const current = await lines(path.join(dir, 'app.log'));
    expect(current[current.length - 1]).toContain('line 39');
    const tail = await readAppLogTail(path.join(dir, 'app.log'), { archives: 2 });
    expect(tail.lines[tail.lines.length - 1]).toContain('line 39');
    expect(tail.lines.map((l) => Number(/line (\d+)/.exec(l)?.[1]))).toEqual(
      [...tail.lines.keys()].map((i) => 40 - tail.lines.length + i),
    );
  });

  it('turns itself off with one warning when the folder cannot be written (read-only home)', async () => {
    const dir = await tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const warnings: string[] = [];
    const log = openCliAppLog({ STM32MP_FLASH_HOME: path.join(blocker, 'home') }, (text) =>
      warnings.push(text),
    );
    log.write('info', 'lost');
    log.write('error', 'lost too');
    expect(log.filePath).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: no application log: cannot write .*app\.log/);
    expect(warnings[0]).toContain('STM32MP_FLASH_HOME');
  });

  it('turns itself off, quietly and once, when a write fails later (folder removed)', async () => {
    const dir = await tempDir();
    const logDir = path.join(dir, 'logs');
    const problems: string[] = [];
    const log = openAppLog({ dir: logDir, source: 'cli', onUnavailable: (reason) => problems.push(reason) });
    log.write('info', 'first');
    await rm(logDir, { recursive: true });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      log.write('info', 'second');
      log.write('info', 'third');
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
    expect(problems).toHaveLength(1);
    expect(log.filePath).toBeNull();
  });

  it('marks renderer lines and bounds them', async () => {
    const dir = await tempDir();
    const log = openAppLog({ dir, source: 'main' });
    writeRendererLogLine(log, {
      level: 'warn',
      message: `${'y'.repeat(5000)}\nforged line`,
      context: { view: 'flash' },
    });
    const [line] = await lines(path.join(dir, 'app.log'));
    expect(line).toMatch(
      / warn {2}\[renderer\] y+… \(\d+ more chars\) \{"renderer":"\{\\"view\\":\\"flash\\"\}"\}$/,
    );
    expect(line!.length).toBeLessThan(4300);
  });

  it('logs a flash session start, failure and its journal', async () => {
    const dir = await tempDir();
    const log = openAppLog({ dir, source: 'cli', level: 'debug' });
    const logEvent = logFlashEvents(log, '/j/flash-1.jsonl');
    const events = new EventLog()
      .start()
      .at(5)
      .push({ type: 'stage', phase: 'rom', info: null, connectionId: 'c1' })
      .at(10)
      .push({
        type: 'outcome',
        ok: false,
        cancelled: false,
        symptom: 'board-reset',
        diagnosis: null,
        durationMs: 10,
        partitionsWritten: 0,
        bytesWritten: 0,
      }).events;
    events.forEach(logEvent);
    const written = await lines(path.join(dir, 'app.log'));
    expect(written[0]).toMatch(/ info {2}\[cli\] flash session started .*"journal":"\/j\/flash-1\.jsonl"/);
    expect(written[1]).toMatch(/ debug \[cli\] stage rom/);
    expect(written[2]).toMatch(/ error \[cli\] flash session failed: board-reset/);
  });

  it('picks the lines around a session from the tail', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'app.log');
    await writeFile(
      file,
      [
        '2026-01-01T09:00:00.000Z info  [main] old',
        '2026-01-01T10:00:00.000Z info  [main] during',
        'continuation without a time',
        '2026-01-01T11:00:00.000Z info  [main] later',
      ].join('\n') + '\n',
    );
    const window = { fromMs: Date.parse('2026-01-01T09:59:00Z'), toMs: Date.parse('2026-01-01T10:01:00Z') };
    expect(await readAppLogTail(file, { window })).toMatchObject({
      selection: 'window',
      lines: [expect.stringContaining('during')],
    });
    expect((await readAppLogTail(file, { maxLines: 2 })).lines).toHaveLength(2);
    expect(await readAppLogTail(path.join(dir, 'missing.log'))).toMatchObject({
      selection: 'none',
      lines: [],
    });
  });
});
