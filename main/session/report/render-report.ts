import type { Diagnosis } from '../../../shared/domain/diagnosis.js';
import { SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import type { HostFacts } from '../../../shared/domain/host-facts.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import { buildIdentityTimeline, gapDurationMs } from '../../../shared/timeline/identity-timeline.js';
import type { IdentityTimeline } from '../../../shared/timeline/identity-timeline.js';
import type { PartitionRow, SessionSummary } from './report-model.js';
import { boardFromLayoutName, partitionRows, summarizeSession } from './report-model.js';
import { REPORT_CSS } from './report-styles.js';
import {
  describeEvent,
  escapeHtml as esc,
  formatBytes,
  formatDuration,
  formatRate,
  formatWallClock,
  hex,
} from './report-text.js';
import { renderTimelineSvg } from './timeline-svg.js';

export interface ReportBinary {
  path: string;
  rows: string[];
  status: 'ok' | 'missing' | 'not-a-file' | 'unreadable';
  sizeBytes: number | null;
  sha256: string | null;
  sizeAtFlashBytes: number | null;
}

export interface ReportInput {
  /** Already redacted: the report escapes, it does not redact. */
  events: readonly FlashEvent[];
  /** The diagnosis shown (diagnose() over the events). */
  diagnosis: Diagnosis | null;
  /** The one the session recorded in its outcome, when it differs it is mentioned. */
  recordedDiagnosis: Diagnosis | null;
  host: { recorded: HostFacts | null; probedAtExport: HostFacts | null; probedAt: string | null };
  layout: { fileName: string | null; text: string | null; unavailableReason: string | null };
  binaries: readonly ReportBinary[];
  journal: { fileName: string; truncated: boolean; skippedLines: readonly number[] };
  createdAt: string;
  appVersion: string;
  redaction: { enabled: boolean; counts: Record<string, number>; secretFieldsDropped: number };
}

const OUTCOME_WORDS = {
  ok: 'FLASHED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
  unfinished: 'UNFINISHED',
} as const;

/**
 * The support report: one HTML file with its CSS and its SVG inline, no script and no external URL
 * (a Content-Security-Policy says so to the browser too). Every string from the journal is escaped.
 */
export function renderReport(input: ReportInput): string {
  const summary = summarizeSession(input.events);
  const timeline = buildIdentityTimeline(input.events);
  const partitions = partitionRows(input.events);
  const symptomTitle = input.diagnosis ? SYMPTOMS[input.diagnosis.symptom].title : null;
  const headline =
    summary.outcome === 'ok'
      ? 'Flash succeeded'
      : summary.outcome === 'cancelled'
        ? 'Flash cancelled'
        : summary.outcome === 'unfinished'
          ? 'Flash session without an outcome'
          : `Flash failed: ${symptomTitle ?? 'unknown symptom'}`;
  const title = `${headline} — ${summary.soc.name ?? summary.soc.id ?? 'STM32MP'} — ${formatWallClock(summary.startedAt)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="STM32MP Flash Station ${esc(input.appVersion)}">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="masthead"><div class="inner">
<div class="brand">STM32MP Flash Station · Flash session report</div>
<h1><span class="badge ${summary.outcome}">${OUTCOME_WORDS[summary.outcome]}</span> ${esc(headline)}</h1>
<div class="meta">Session ${esc(summary.sessionId ?? 'unknown')} · started ${esc(formatWallClock(summary.startedAt))} · report made ${esc(formatWallClock(input.createdAt))}</div>
</div></header>
<main>
${renderSummary(summary, input)}
${renderDiagnosis(summary, input)}
${renderTimelineCard(timeline)}
${renderPartitions(partitions, summary)}
${renderPreflight(input.events)}
${renderHost(input.host)}
${renderLayout(input)}
${renderEventLog(input.events)}
</main>
<footer>${renderFooter(input)}</footer>
</body>
</html>
`;
}

function field(label: string, value: string, sub?: string | null): string {
  return `<div><dt>${esc(label)}</dt><dd>${value}${sub ? `<small>${sub}</small>` : ''}</dd></div>`;
}

function renderSummary(summary: SessionSummary, input: ReportInput): string {
  const board = summary.board;
  const soc = summary.soc;
  const socText = soc.name ?? (soc.id ? soc.id.toUpperCase() : '—');
  const socSub = [
    soc.id ? `family ${soc.id}` : null,
    soc.deviceId !== null ? `device ${hex(soc.deviceId, 3)}` : null,
    soc.revisionId !== null ? `rev ${hex(soc.revisionId, 4)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const boardGuess = boardFromLayoutName(input.layout.fileName ?? summary.layoutPath);
  const layoutName = input.layout.fileName ?? (summary.layoutPath ? baseName(summary.layoutPath) : '—');
  const outcomeText =
    summary.outcome === 'ok'
      ? `<span class="result ok">Flashed</span>`
      : summary.outcome === 'failed'
        ? `<span class="result bad">Failed</span>${input.diagnosis ? ` — <code>${esc(input.diagnosis.symptom)}</code>` : ''}`
        : `<span class="result muted">${summary.outcome === 'cancelled' ? 'Cancelled' : 'No outcome in the journal'}</span>`;
  const written =
    summary.partitionsWritten !== null && summary.bytesWritten !== null
      ? `${summary.partitionsWritten} partition${summary.partitionsWritten === 1 ? '' : 's'} written, ${formatBytes(summary.bytesWritten)} sent`
      : null;
  const target = summary.requestedTarget;
  const targetText = target?.portPath
    ? `port ${target.portPath}`
    : target?.serial
      ? `serial ${target.serial}`
      : 'first board found';
  return `<section class="card" id="summary"><h2>Summary</h2><dl class="grid">
${field('Board', esc(boardGuess ?? socText), esc(board ? [boardGuess ? 'from the layout name' : null, board.identity.product, `${board.identity.manufacturer ?? 'unknown maker'} · ${hexId(board.identity.vid)}:${hexId(board.identity.pid)}`].filter(Boolean).join(' · ') : 'not seen on the bus'))}
${field('Serial number', `<span class="mono">${esc(board?.identity.serial ?? '—')}</span>`)}
${field('USB port path', `<span class="mono">${esc(board?.identity.portPath ?? target?.portPath ?? '—')}</span>`, esc(board ? `${board.identity.speed} speed · asked for: ${targetText}` : `asked for: ${targetText}`))}
${field('SoC', esc(socText), esc(socSub) || null)}
${field('FlashLayout', `<span class="mono">${esc(layoutName)}</span>`, summary.layoutPath ? `<span class="mono">${esc(summary.layoutPath)}</span>` : null)}
${field('Duration', esc(formatDuration(summary.durationMs)), esc(formatWallClock(summary.startedAt)))}
${field('Outcome', outcomeText, written ? esc(written) : null)}
${field('App version', esc(summary.appVersion ?? '—'), esc(`report by ${input.appVersion}`))}
</dl></section>`;
}

function hexId(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function baseName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

function renderDiagnosis(summary: SessionSummary, input: ReportInput): string {
  const d = input.diagnosis;
  const head = '<section class="card" id="diagnosis"><h2>Diagnosis</h2>';
  if (!d) {
    const text =
      summary.outcome === 'ok'
        ? 'The flash succeeded: every partition the layout selects was written and the board was left in U-Boot.'
        : 'The journal has no outcome, so there is nothing to diagnose (the session was still running, or the file was cut).';
    return `${head}<div class="symptom ${summary.outcome}"><p class="title">${summary.outcome === 'ok' ? 'No problem found' : 'No diagnosis'}</p><p>${esc(text)}</p></div></section>`;
  }
  const symptom = SYMPTOMS[d.symptom];
  const extra: string[] = [];
  if (d.deviceText) extra.push(`<div class="label">The board said</div><pre>${esc(d.deviceText)}</pre>`);
  if (d.layoutLine !== null) {
    const line = input.layout.text?.split(/\r?\n/)[d.layoutLine - 1];
    extra.push(
      `<div class="label">In the FlashLayout file, line ${esc(d.layoutLine)}</div>${line !== undefined ? `<pre>${esc(line)}</pre>` : ''}`,
    );
  }
  if (d.partition)
    extra.push(
      `<p>Partition <strong>${esc(hex(d.partition.phaseId))} ${esc(d.partition.name)}</strong>.</p>`,
    );
  const evidence =
    d.evidence.length > 0
      ? `<h3>What the bus showed</h3><ul class="facts">${d.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`
      : '';
  const causes =
    d.causes.length > 0
      ? `<h3>Likely causes, most likely first</h3><ol class="causes">${d.causes
          .map(
            (
              cause,
            ) => `<li class="${cause.likelihood}"><div class="cause-head"><span class="pill ${cause.likelihood}">${esc(cause.likelihood)}</span><strong>${esc(cause.title)}</strong><code>${esc(cause.id)}</code></div>
${cause.evidence.length > 0 ? `<div class="label">Evidence from this session</div><ul class="facts">${cause.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${cause.checks.length > 0 ? `<div class="label">What to check</div><ol class="checks">${cause.checks.map((c) => `<li>${esc(c)}</li>`).join('')}</ol>` : ''}</li>`,
          )
          .join('\n')}</ol>`
      : '';
  const disagreement =
    input.recordedDiagnosis && input.recordedDiagnosis.symptom !== d.symptom
      ? `<p class="note">The session itself recorded the symptom <code>${esc(input.recordedDiagnosis.symptom)}</code>; this report shows the diagnosis recomputed from the journal by version ${esc(input.appVersion)}. Both are in diagnosis.json.</p>`
      : '';
  return `${head}<div class="symptom"><span class="code">${esc(d.symptom)}${d.variant ? ` · ${esc(d.variant)}` : ''}</span><p class="title">${esc(symptom.title)}</p><p>${esc(d.summary)}</p></div>
${disagreement}${extra.join('')}${evidence}${causes}</section>`;
}

function renderTimelineCard(timeline: IdentityTimeline): string {
  const gaps = timeline.gaps.map((g) => formatDuration(gapDurationMs(g)));
  const caption = [
    `${timeline.identities.length} enumeration${timeline.identities.length === 1 ? '' : 's'} of the board on port ${timeline.portPath ?? '—'}`,
    gaps.length > 0 ? `off the bus ${gaps.join(', ')}` : null,
    timeline.otherIdentities > 0
      ? `${timeline.otherIdentities} other device${timeline.otherIdentities === 1 ? '' : 's'} enumerated meanwhile (not drawn)`
      : null,
    'hover a bar, tick or gap for details',
  ]
    .filter(Boolean)
    .join(' · ');
  const rows = timeline.identities
    .map((identity, i) => {
      const id = identity.identity;
      return `<tr><td class="num">#${i + 1}</td><td>${esc(identity.segments.map((s) => stageLabel(s.stage)).join(' → '))}</td><td>${esc(id.product ?? '—')}</td><td class="mono">${esc(id.serial ?? '—')}${identity.serialNote ? ` <span class="result bad">(${esc(identity.serialNote)})</span>` : ''}</td><td>${esc(id.speed)}</td><td class="num">${esc(formatDuration(identity.startMs))}</td><td class="num">${esc(formatDuration(identity.endMs - identity.startMs))}${identity.open ? ' <span class="muted">(open)</span>' : ''}</td></tr>`;
    })
    .join('\n');
  return `<section class="card" id="timeline"><h2>USB identity timeline <span class="sub">ROM → TF-A → U-Boot → U-Boot 2nd</span></h2>
<figure>${renderTimelineSvg(timeline)}<figcaption>${esc(caption)}.</figcaption></figure>
<details><summary>Enumerations (${timeline.identities.length})</summary><div class="table-wrap"><table><thead><tr><th class="num">#</th><th>Stages</th><th>USB product string</th><th>Serial</th><th>Speed</th><th class="num">At</th><th class="num">On the bus</th></tr></thead><tbody>${rows}</tbody></table></div></details>
</section>`;
}

function renderPartitions(rows: readonly PartitionRow[], summary: SessionSummary): string {
  if (rows.length === 0) {
    return `<section class="card" id="partitions"><h2>Partitions</h2><p class="muted">No download started in this session.</p></section>`;
  }
  const body = rows
    .map((row) => {
      // boot-stage loads go to RAM: only U-Boot's second enumeration writes to the medium
      const done = row.stage === 'uboot-partitions' ? 'written' : 'sent';
      const result =
        row.result === 'written'
          ? `<span class="result ok">✓ ${done}</span>`
          : row.result === 'failed'
            ? '<span class="result bad">✕ failed</span>'
            : '<span class="result bad">interrupted</span>';
      return `<tr><td class="mono">${esc(hex(row.phaseId))}</td><td><strong>${esc(row.name)}</strong>${row.file ? `<br><span class="mono muted">${esc(baseName(row.file))}</span>` : ''}</td><td>${esc(stageLabel(row.stage))}</td><td class="num">${esc(row.alt)}</td><td class="num">${esc(formatBytes(row.sizeBytes))}</td><td class="num">${esc(formatBytes(row.bytesSent))}</td><td class="num">${esc(formatDuration(row.durationMs))}</td><td class="num">${esc(formatRate(row.rateBytesPerS))}</td><td>${result}</td></tr>`;
    })
    .join('\n');
  const total = summary.bytesWritten !== null ? ` · ${formatBytes(summary.bytesWritten)} sent in total` : '';
  return `<section class="card" id="partitions"><h2>Partitions <span class="sub">${rows.length} download${rows.length === 1 ? '' : 's'}${esc(total)}</span></h2>
<div class="table-wrap"><table><thead><tr><th>Id</th><th>Name / file</th><th>Stage</th><th class="num">Alt</th><th class="num">Size</th><th class="num">Sent</th><th class="num">Time</th><th class="num">Rate</th><th>Result</th></tr></thead><tbody>${body}</tbody></table></div></section>`;
}

function renderPreflight(events: readonly FlashEvent[]): string {
  const notes = events.filter((e): e is Extract<FlashEvent, { type: 'preflight' }> => e.type === 'preflight');
  if (notes.length === 0) return '';
  const items = notes
    .map(
      (note) =>
        `<li><span class="pill ${note.level === 'error' ? 'high' : note.level === 'warning' ? 'medium' : 'low'}">${esc(note.level)}</span> ${esc(note.message)}${note.hint ? `<br><span class="muted">${esc(note.hint)}</span>` : ''} <code class="muted">${esc(note.code)}</code></li>`,
    )
    .join('');
  return `<section class="card" id="preflight"><h2>Pre-flight notes <span class="sub">${notes.length}</span></h2><ul class="facts">${items}</ul></section>`;
}

function hostRows(facts: HostFacts | null): Record<string, string> {
  if (!facts) return {};
  const vm = facts.vm.detected
    ? `<strong>${esc(facts.vm.kind ?? 'other')}</strong>${facts.vm.evidence.length > 0 ? `<small>${esc(facts.vm.evidence.join(' · '))}</small>` : ''}`
    : 'no';
  const usb = `<strong>${esc(facts.usbAccess.state)}</strong><small>${esc(facts.usbAccess.detail)}</small>${facts.usbAccess.fix ? `<small>fix: <code>${esc(facts.usbAccess.fix)}</code></small>` : ''}`;
  return {
    'Operating system': esc(`${facts.os} — ${facts.osRelease}`),
    Kernel: `<span class="mono">${esc(facts.kernel)}</span>`,
    Architecture: esc(facts.arch),
    'Host name': esc(facts.hostname),
    'Virtual machine': vm,
    'USB access': usb,
    'Node.js': esc(facts.versions.node),
    Electron: esc(facts.versions.electron ?? '— (command line)'),
    'usb package': esc(facts.versions.usb ?? '—'),
    'App version': esc(facts.versions.app),
  };
}

function renderHost(host: ReportInput['host']): string {
  const recorded = hostRows(host.recorded);
  const probed = hostRows(host.probedAtExport);
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(probed)])];
  if (keys.length === 0) {
    return `<section class="card" id="host"><h2>Host</h2><p class="muted">No host facts recorded.</p></section>`;
  }
  const rows = keys
    .map(
      (key) => `<tr><th>${esc(key)}</th><td>${recorded[key] ?? '—'}</td><td>${probed[key] ?? '—'}</td></tr>`,
    )
    .join('\n');
  return `<section class="card" id="host"><h2>Host</h2>
<div class="table-wrap"><table class="kv"><thead><tr><th></th><th>When the board was flashed (journal)</th><th>When this report was made (fresh probe${host.probedAt ? `, ${esc(formatWallClock(host.probedAt))}` : ''})</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function renderLayout(input: ReportInput): string {
  const { layout, binaries } = input;
  const status = (b: ReportBinary): string => {
    if (b.status !== 'ok') return `<span class="result bad">${esc(b.status)}</span>`;
    if (b.sizeAtFlashBytes !== null && b.sizeBytes !== null && b.sizeAtFlashBytes !== b.sizeBytes) {
      return `<span class="result bad">changed since the flash (${esc(formatBytes(b.sizeAtFlashBytes))} then)</span>`;
    }
    return '<span class="result ok">present</span>';
  };
  const table =
    binaries.length > 0
      ? `<div class="table-wrap"><table><thead><tr><th>File</th><th>Rows</th><th class="num">Size</th><th>SHA-256</th><th>Now</th></tr></thead><tbody>${binaries
          .map(
            (b) =>
              `<tr><td class="mono">${esc(b.path)}</td><td>${b.rows.map((r) => esc(r)).join('<br>')}</td><td class="num">${b.sizeBytes === null ? '—' : esc(formatBytes(b.sizeBytes))}</td><td class="mono">${esc(b.sha256 ?? '—')}</td><td>${status(b)}</td></tr>`,
          )
          .join('\n')}</tbody></table></div>`
      : `<p class="muted">${layout.text === null ? 'The binaries could not be listed.' : 'The layout names no binary.'}</p>`;
  const text =
    layout.text !== null
      ? `<details><summary>FlashLayout text${layout.fileName ? ` (${esc(layout.fileName)})` : ''}</summary><pre>${esc(layout.text)}</pre></details>`
      : `<p class="note">The FlashLayout is not in this bundle: ${esc(layout.unavailableReason ?? 'unavailable')}.</p>`;
  return `<section class="card" id="layout"><h2>FlashLayout and binaries <span class="sub">sizes and SHA-256 as found when this report was made; the binaries themselves are not included</span></h2>
${table}${text}</section>`;
}

function renderEventLog(events: readonly FlashEvent[]): string {
  const shown = events.filter((e) => e.type !== 'partition-progress');
  const rows = shown
    .map(
      (e) =>
        `<tr class="${e.type === 'error' || (e.type === 'outcome' && !e.ok) ? 'error' : ''}"><td>${esc(formatDuration(e.tMs))}</td><td class="type">${esc(e.type)}</td><td>${esc(describeEvent(e))}</td></tr>`,
    )
    .join('\n');
  return `<section class="card" id="events"><h2>Event log <span class="sub">${shown.length} events (${events.length - shown.length} progress updates omitted); journal.jsonl has them all</span></h2>
<details><summary>Show the events</summary><div class="table-wrap"><table class="events"><thead><tr><th>Time</th><th>Type</th><th>What happened</th></tr></thead><tbody>${rows}</tbody></table></div></details></section>`;
}

function renderFooter(input: ReportInput): string {
  const r = input.redaction;
  const counts = Object.entries(r.counts)
    .filter(([, count]) => count > 0)
    .map(([category, count]) => `${category} ×${count}`)
    .join(', ');
  const redaction = r.enabled
    ? `Redaction on: user and machine names replaced by &lt;home&gt;, &lt;user&gt;, &lt;host&gt;${counts ? ` (${esc(counts)})` : ''}.`
    : '<strong>Redaction off</strong>: paths, user and host names are as recorded.';
  const journal =
    input.journal.truncated || input.journal.skippedLines.length > 0
      ? ` The journal ${input.journal.truncated ? 'ends in the middle of a line (the app stopped while writing)' : ''}${input.journal.skippedLines.length > 0 ? `${input.journal.truncated ? '; ' : ''}has ${input.journal.skippedLines.length} unreadable line(s)` : ''}.`
      : '';
  return `Generated by STM32MP Flash Station ${esc(input.appVersion)} from ${esc(input.journal.fileName)} on ${esc(formatWallClock(input.createdAt))}. ${redaction}${r.secretFieldsDropped > 0 ? ` ${esc(r.secretFieldsDropped)} field(s) that could hold device secrets were removed.` : ''}${esc(journal)}`;
}
