import { describe, expect, it } from 'vitest';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { buildIdentityTimeline } from '../../../shared/timeline/identity-timeline.js';
import { diagnose } from '../../../main/session/diagnosis/diagnose.js';
import type { ReportInput } from '../../../main/session/report/render-report.js';
import { renderReport } from '../../../main/session/report/render-report.js';
import { boardFromLayoutName, partitionRows } from '../../../main/session/report/report-model.js';
import { renderTimelineSvg } from '../../../main/session/report/timeline-svg.js';
import { EventLog, hostFacts, identity, stageInfo } from '../../helpers/flash-event-builder.js';

const EVIL = `<script>alert(1)</script>"><img src=x onerror=alert(2)>'&`;

/** ROM → TF-A on one connection, TF-A detaches, nothing comes back for 30 s. */
function failedSession(text = 'DFU in HS Mode'): FlashEvent[] {
  const rom = identity({ connectionId: 'c-rom', product: text, serial: `SN${text}` });
  const log = new EventLog()
    .start(hostFacts({ hostname: text, usbAccess: { state: 'ok', detail: text, fix: text } }))
    .at(1)
    .push({ type: 'preflight', level: 'warning', code: 'fsbl-not-usb', message: text, hint: text })
    .at(5)
    .push({
      type: 'identity',
      change: 'connect',
      role: 'target',
      identity: rom,
      info: stageInfo('rom'),
      serialNote: null,
    })
    .push({ type: 'stage', phase: 'rom', info: stageInfo('rom'), connectionId: 'c-rom' })
    .at(10)
    .push({
      type: 'partition-start',
      stage: 'rom',
      phaseId: 1,
      name: text,
      alt: 1,
      sizeBytes: 1000,
      file: `/x/${text}`,
    })
    .at(300)
    .push({
      type: 'partition-end',
      phaseId: 1,
      ok: true,
      bytesSent: 1000,
      durationMs: 290,
      rateBytesPerS: 3448,
    })
    .at(310)
    .push({ type: 'stage', phase: 'tfa', info: null, connectionId: 'c-rom' })
    .push({ type: 'phase', stage: 'tfa', phase: 3, address: 0, offset: 0, needDetach: null, errorText: null })
    .at(320)
    .push({
      type: 'partition-start',
      stage: 'tfa',
      phaseId: 3,
      name: 'fip-boot',
      alt: 3,
      sizeBytes: 4000,
      file: null,
    })
    .at(700)
    .push({
      type: 'partition-end',
      phaseId: 3,
      ok: true,
      bytesSent: 4000,
      durationMs: 380,
      rateBytesPerS: 10526,
    })
    .push({ type: 'detach', stage: 'tfa', tolerated: null })
    .push({
      type: 'wait-start',
      after: 'after-fip',
      expecting: ['uboot-layout', 'uboot-partitions'],
      portPath: '1-2',
      timeoutMs: 30_000,
      deadlineAt: '',
    })
    .at(705)
    .push({
      type: 'identity',
      change: 'disconnect',
      role: 'target',
      identity: rom,
      info: stageInfo('rom'),
      serialNote: null,
    })
    .at(30_705)
    .push({ type: 'wait-end', after: 'after-fip', result: 'timeout', elapsedMs: 30_000, connectionId: null })
    .push({
      type: 'error',
      stage: 'tfa',
      error: { code: 'reenumeration-timeout', message: text, hint: text, fields: {} },
    });
  const diagnosis = diagnose(log.events);
  return log.push({
    type: 'outcome',
    ok: false,
    cancelled: false,
    symptom: diagnosis?.symptom ?? null,
    diagnosis,
    durationMs: 30_706,
    partitionsWritten: 0,
    bytesWritten: 5000,
  }).events;
}

function input(events: FlashEvent[], text = 'x'): ReportInput {
  return {
    events,
    diagnosis: diagnose(events),
    recordedDiagnosis: null,
    host: { recorded: hostFacts({ hostname: text }), probedAtExport: null, probedAt: null },
    layout: { fileName: `FlashLayout_${text}.tsv`, text: `#Opt\t${text}\n`, unavailableReason: null },
    binaries: [
      {
        path: `/x/${text}`,
        rows: [text],
        status: 'ok',
        sizeBytes: 1,
        sha256: 'a'.repeat(64),
        sizeAtFlashBytes: 1,
      },
    ],
    journal: { fileName: `${text}.jsonl`, truncated: false, skippedLines: [] },
    createdAt: '2026-01-01T00:01:00.000Z',
    appVersion: '0.1.0',
    redaction: { enabled: true, counts: { 'home-folder': 1 }, secretFieldsDropped: 0 },
  };
}

describe('report.html', () => {
  it('escapes every string that came from the journal', () => {
    const html = renderReport(input(failedSession(EVIL), EVIL));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^<>]*onerror=/i);
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;&amp;',
    );
  });

  it('is self-contained: no script, no external URL, a CSP that forbids loading anything', () => {
    const html = renderReport(input(failedSession()));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).not.toMatch(/<script/i);
  });

  it('says what failed, why, and what to check', () => {
    const html = renderReport(input(failedSession()));
    expect(html).toContain('Flash failed: The board did not come back');
    expect(html).toContain('uboot-otg-setup');
    expect(html).toContain('dr_mode = &quot;peripheral&quot;');
    expect(html).toContain('<svg class="timeline-svg"');
  });

  it('renders a journal cut before anything happened', () => {
    const html = renderReport({
      ...input([]),
      binaries: [],
      layout: { fileName: null, text: null, unavailableReason: 'gone' },
    });
    expect(html).toContain('Flash session without an outcome');
    expect(html).toContain('The FlashLayout is not in this bundle: gone.');
  });

  it('lists downloads with their result and guesses the board from an ST layout name', () => {
    const rows = partitionRows(failedSession());
    expect(rows.map((r) => [r.phaseId, r.result])).toEqual([
      [1, 'written'],
      [3, 'written'],
    ]);
    expect(boardFromLayoutName('/a/FlashLayout_sdcard_stm32mp157f-dk2-optee.tsv')).toBe('stm32mp157f-dk2');
    expect(boardFromLayoutName('/a/my_layout.tsv')).toBeNull();
  });
});

describe('timeline SVG', () => {
  it('draws the enumeration, the long gap compressed with its duration, and the failure', () => {
    const timeline = buildIdentityTimeline(failedSession());
    const svg = renderTimelineSvg(timeline);
    expect(svg).toContain('✕ The board did not come back');
    expect(svg).toContain('U-Boot expected — nothing came back for 30.0 s');
    // the 30 s wait is drawn short, with its real duration under the axis
    expect(svg).toContain('⋯ 30.0 s ⋯');
    expect(svg).toContain('GetPhase → 0x03');
    expect(svg.match(/<g class="transfer">/g)).toHaveLength(2);
  });

  it('marks a successful session with a green end marker', () => {
    const events = new EventLog()
      .start()
      .at(5)
      .push({
        type: 'identity',
        change: 'connect',
        role: 'target',
        identity: identity({ connectionId: 'ok-1' }),
        info: stageInfo('uboot-partitions'),
        serialNote: null,
      })
      .at(50)
      .push({
        type: 'outcome',
        ok: true,
        cancelled: false,
        symptom: null,
        diagnosis: null,
        durationMs: 50,
        partitionsWritten: 0,
        bytesWritten: 0,
      }).events;
    expect(renderTimelineSvg(buildIdentityTimeline(events))).toContain('✓ Flashed');
  });
});
