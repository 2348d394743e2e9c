import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter } from '../../../main/session/journal/journal-writer.js';
import { loadJournal, parseJournal } from '../../../main/session/journal/journal-reader.js';
import { EventLog, identity, stageInfo } from '../../helpers/flash-event-builder.js';

function sampleEvents() {
  return new EventLog()
    .start()
    .at(10)
    .push({
      type: 'identity',
      change: 'connect',
      role: 'target',
      identity: identity(),
      info: stageInfo('rom'),
      serialNote: null,
    })
    .at(20)
    .push({ type: 'stage', phase: 'rom', info: stageInfo('rom'), connectionId: 'c1' })
    .at(30)
    .push({
      type: 'partition-progress',
      phaseId: 1,
      bytesSent: 10,
      totalBytes: 20,
      rateBytesPerS: 100,
      etaMs: 100,
    })
    .at(40)
    .push({
      type: 'outcome',
      ok: true,
      cancelled: false,
      symptom: null,
      diagnosis: null,
      durationMs: 40,
      partitionsWritten: 1,
      bytesWritten: 20,
    }).events;
}

describe('session journal', () => {
  it('writes every event as one JSON line and reads them back in order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const writer = await JournalWriter.create(dir, 'abc', new Date('2026-01-01T00:00:00Z'));
    const events = sampleEvents();
    for (const e of events) writer.write(e);
    await writer.close();
    const loaded = await loadJournal(writer.filePath);
    expect(loaded.sessionId).toBe('abc');
    expect(loaded.events).toEqual(events);
    expect(loaded.truncated).toBe(false);
  });

  it('loads a journal cut at any byte up to its last complete line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const writer = await JournalWriter.create(dir, 'cut', new Date());
    const events = sampleEvents();
    for (const e of events) writer.write(e);
    await writer.close();
    const full = await readFile(writer.filePath, 'utf8');
    const lineEnds: number[] = [];
    for (let i = 0; i < full.length; i++) if (full[i] === '\n') lineEnds.push(i + 1);
    for (let cut = 0; cut <= full.length; cut++) {
      const loaded = parseJournal(full.slice(0, cut));
      const completeLines = lineEnds.filter((end) => end <= cut).length;
      // the first line is the journal header, not an event
      expect(loaded.events.length).toBe(Math.max(0, completeLines - 1));
      expect(loaded.events).toEqual(events.slice(0, loaded.events.length));
      expect(loaded.skippedLines).toEqual([]);
    }
  });

  it('loads a journal cut at any byte, even inside a multi-byte character', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const writer = await JournalWriter.create(dir, 'bytes', new Date());
    const events = new EventLog()
      .start()
      .at(1)
      .push({ type: 'preflight', level: 'info', code: 'x', message: 'µ — ü 中文 🚀', hint: null })
      .at(2)
      .push({ type: 'dfu-anomaly', stage: 'rom', kind: 'k', detail: 'Ωmega ✓' }).events;
    for (const e of events) writer.write(e);
    await writer.close();
    const full = await readFile(writer.filePath);
    const lineEnds: number[] = [];
    full.forEach((byte, i) => {
      if (byte === 0x0a) lineEnds.push(i + 1);
    });
    for (let cut = 0; cut <= full.length; cut++) {
      // readFile(…, 'utf8') decodes a cut character as U+FFFD: it sits in the incomplete last line
      const loaded = parseJournal(full.subarray(0, cut).toString('utf8'));
      const completeLines = lineEnds.filter((end) => end <= cut).length;
      expect(loaded.events).toEqual(events.slice(0, Math.max(0, completeLines - 1)));
      expect(loaded.skippedLines).toEqual([]);
      expect(loaded.truncated).toBe(!lineEnds.includes(cut) && cut > 0);
    }
    const cutFile = path.join(dir, 'cut.jsonl');
    await writeFile(cutFile, full.subarray(0, full.length - 5));
    expect((await loadJournal(cutFile)).events).toEqual(events.slice(0, 2));
  });

  it('skips a damaged line in the middle and says which', () => {
    const loaded = parseJournal(
      '{"type":"journal","schema":1,"sessionId":"x"}\n{not json\n{"type":"stage","phase":"rom","tMs":1,"at":"","info":null,"connectionId":null}\n',
    );
    expect(loaded.skippedLines).toEqual([2]);
    expect(loaded.events).toHaveLength(1);
  });

  it('refuses an unwritable folder with a specific error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    await expect(JournalWriter.create(path.join(file, 'sub'), 'x', new Date())).rejects.toMatchObject({
      code: 'file-unwritable',
    });
  });
});
