import type { BootStage } from '../../../shared/domain/flash-event.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import type {
  IdentityTimeline,
  TimelineGap,
  TimelineIdentity,
  TimelineSegment,
} from '../../../shared/timeline/identity-timeline.js';
import { gapDurationMs } from '../../../shared/timeline/identity-timeline.js';
import type { TimeScale } from '../../../shared/timeline/time-scale.js';
import { buildTimeScale } from '../../../shared/timeline/time-scale.js';
import { escapeHtml as esc, formatBytes, formatDuration, formatRate, hex } from './report-text.js';

type Lane = BootStage | 'unknown';

/** Solid and light shade per stage; the light one fills the enumeration, the solid one its downloads. */
export const STAGE_COLORS: Record<Lane, { solid: string; light: string }> = {
  rom: { solid: '#5f4bb6', light: '#ece8fa' },
  tfa: { solid: '#1f6fc5', light: '#e3eefb' },
  'uboot-layout': { solid: '#0b8a7a', light: '#ddf3ef' },
  'uboot-partitions': { solid: '#2c8a3e', light: '#e2f3e5' },
  unknown: { solid: '#6c757d', light: '#eceef0' },
};
const FAIL = '#d92d20';
const OK = '#2c8a3e';
const INK = '#1d2939';
const MUTED = '#667085';
const GRID = '#e4e7ec';

const WIDTH = 1040;
const LABEL_X = 16;
const PLOT_X0 = 132;
const PLOT_X1 = WIDTH - 40;
const TOP = 44;
const LANE_H = 62;
const BAR_TOP = 16;
const BAR_H = 26;
const CHAR_PX = 6.3;
/** A few-millisecond enumeration still shows as a bar. */
const MIN_BAR_PX = 5;
/** Text over lines and hatching stays legible with a halo in the card's colour. */
const HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="4" stroke-linejoin="round"';

const STANDARD_LANES: readonly Lane[] = ['rom', 'tfa', 'uboot-layout', 'uboot-partitions'];

interface Geometry {
  scale: TimeScale;
  laneTop(lane: Lane): number;
  barTop(lane: Lane): number;
  barMid(lane: Lane): number;
  lanesBottom: number;
}

/**
 * The USB identity timeline as one self-contained SVG: a lane per boot stage, each enumeration a bar
 * on the time axis, downloads as sub-bars, GetPhase answers as ticks, the gaps between enumerations
 * with their durations, and the failure point in red. Hover details are native SVG <title>s (no script).
 */
export function renderTimelineSvg(timeline: IdentityTimeline): string {
  const lanes = lanesOf(timeline);
  const lanesBottom = TOP + lanes.length * LANE_H;
  const scale = buildTimeScale(timeline, {
    x0: PLOT_X0,
    widthPx: PLOT_X1 - PLOT_X0,
    compressAboveMs: 1500,
    compressAboveShare: 0.2,
    compressedWidthPx: Math.max(70, Math.round((PLOT_X1 - PLOT_X0) * 0.1)),
    minTickSpacingPx: 70,
  });
  const laneIndex = new Map(lanes.map((lane, i) => [lane, i]));
  const laneTop = (lane: Lane): number => TOP + (laneIndex.get(lane) ?? lanes.length - 1) * LANE_H;
  const geo: Geometry = {
    scale,
    laneTop,
    barTop: (lane) => laneTop(lane) + BAR_TOP,
    barMid: (lane) => laneTop(lane) + BAR_TOP + BAR_H / 2,
    lanesBottom,
  };
  const axisY = lanesBottom + 10;
  const height = axisY + 72;

  const parts: string[] = [];
  parts.push(
    `<svg class="timeline-svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="tl-title tl-desc" font-family="inherit">`,
    `<title id="tl-title">USB identity timeline</title>`,
    `<desc id="tl-desc">${esc(describeTimeline(timeline))}</desc>`,
    defs(),
  );
  parts.push(renderLanes(lanes, geo));
  parts.push(renderBreaks(geo));
  for (const gap of timeline.gaps) parts.push(renderGap(gap, timeline, geo));
  timeline.identities.forEach((identity, i) => parts.push(renderIdentity(identity, i, geo)));
  parts.push(renderAxis(geo, axisY));
  parts.push(renderEndMarker(timeline, geo));
  parts.push(renderLegend(axisY + 50));
  parts.push('</svg>');
  return parts.join('\n');
}

function lanesOf(timeline: IdentityTimeline): Lane[] {
  const used = new Set<Lane>(STANDARD_LANES);
  for (const identity of timeline.identities) for (const s of identity.segments) used.add(s.stage);
  const order: Lane[] = [...STANDARD_LANES, 'unknown'];
  return order.filter((lane) => used.has(lane));
}

function defs(): string {
  return `<defs>
<pattern id="tl-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff5f4"/><line x1="0" y1="0" x2="0" y2="8" stroke="#f4b8b2" stroke-width="3"/></pattern>
<pattern id="tl-wait" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f9fafb"/><line x1="0" y1="0" x2="0" y2="8" stroke="#e4e7ec" stroke-width="3"/></pattern>
</defs>`;
}

function renderLanes(lanes: Lane[], geo: Geometry): string {
  const out: string[] = ['<g class="lanes">'];
  lanes.forEach((lane, i) => {
    const y = geo.laneTop(lane);
    if (i % 2 === 0) out.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${LANE_H}" fill="#f8f9fb"/>`);
    out.push(
      `<rect x="${LABEL_X - 8}" y="${geo.barTop(lane)}" width="5" height="${BAR_H}" rx="2" fill="${STAGE_COLORS[lane].solid}"/>`,
      `<text x="${LABEL_X + 2}" y="${geo.barMid(lane) + 4}" font-size="13" font-weight="600" fill="${INK}">${esc(stageLabel(lane))}</text>`,
    );
  });
  out.push(
    `<line x1="${PLOT_X0}" y1="${TOP}" x2="${PLOT_X0}" y2="${geo.lanesBottom}" stroke="${GRID}"/>`,
    '</g>',
  );
  for (const tick of geo.scale.ticks) {
    out.push(
      `<line x1="${n(tick.x)}" y1="${TOP}" x2="${n(tick.x)}" y2="${geo.lanesBottom}" stroke="${GRID}" stroke-dasharray="2 4"/>`,
    );
  }
  return out.join('\n');
}

function renderBreaks(geo: Geometry): string {
  return geo.scale.breaks
    .map((b) => {
      const mid = (b.x0 + b.x1) / 2;
      return `<g class="break"><title>${esc(`${formatDuration(b.endMs - b.startMs)} of waiting, drawn shorter than its time`)}</title>
<rect x="${n(b.x0)}" y="${TOP}" width="${n(b.x1 - b.x0)}" height="${geo.lanesBottom - TOP}" fill="url(#tl-wait)" opacity="0.55"/>
<path d="M${n(mid - 7)} ${geo.lanesBottom + 16} l6 -12 M${n(mid + 1)} ${geo.lanesBottom + 16} l6 -12" stroke="${MUTED}" stroke-width="1.5"/>
</g>`;
    })
    .join('\n');
}

function renderIdentity(identity: TimelineIdentity, ordinal: number, geo: Geometry): string {
  const out: string[] = [`<g class="identity">`];
  const segments = identity.segments.length > 0 ? identity.segments : [fallbackSegment(identity)];
  segments.forEach((segment, i) => {
    const next = segments[i + 1];
    out.push(renderSegment(identity, segment, ordinal, geo));
    if (next) {
      // the same enumeration served the next stage (MP15: ROM → TF-A on one connection)
      const x = geo.scale.x(next.startMs);
      out.push(
        `<line x1="${n(x)}" y1="${geo.barTop(segment.stage) + BAR_H}" x2="${n(x)}" y2="${geo.barTop(next.stage)}" stroke="${STAGE_COLORS[next.stage].solid}" stroke-width="1.5"><title>Same USB enumeration: ${esc(stageLabel(segment.stage))} handed over to ${esc(stageLabel(next.stage))}</title></line>`,
      );
    }
  });
  out.push('</g>');
  return out.join('\n');
}

function fallbackSegment(identity: TimelineIdentity): TimelineSegment {
  const stage = identity.info.stage === 'unknown' ? 'unknown' : identity.info.stage;
  return { stage, startMs: identity.startMs, endMs: identity.endMs };
}

function renderSegment(
  identity: TimelineIdentity,
  segment: TimelineSegment,
  ordinal: number,
  geo: Geometry,
): string {
  const lane = segment.stage;
  const colors = STAGE_COLORS[lane];
  const x0 = geo.scale.x(segment.startMs);
  const x1 = Math.max(x0 + MIN_BAR_PX, geo.scale.x(segment.endMs));
  const y = geo.barTop(lane);
  const id = identity.identity;
  const tip = [
    `${stageLabel(lane)} — enumeration #${ordinal + 1} (${id.connectionId})`,
    id.product ?? 'no product string',
    `port ${id.portPath} · ${id.speed} speed${id.serial ? ` · serial ${id.serial}` : ''}`,
    `${formatDuration(segment.startMs)} → ${formatDuration(segment.endMs)} (${formatDuration(segment.endMs - segment.startMs)})${identity.open ? ' · still connected at the end' : ''}`,
  ].join('\n');
  const out: string[] = [
    `<g><title>${esc(tip)}</title><rect x="${n(x0)}" y="${y}" width="${n(x1 - x0)}" height="${BAR_H}" rx="4" fill="${colors.light}" stroke="${colors.solid}" stroke-width="1.2"${identity.open ? ' stroke-dasharray="5 3"' : ''}/></g>`,
  ];
  for (const transfer of identity.transfers) {
    if (transfer.stage !== lane || transfer.endMs === null) continue;
    const t0 = geo.scale.x(transfer.startMs);
    const t1 = Math.max(t0 + 2, geo.scale.x(transfer.endMs));
    const fill = transfer.ok === false ? FAIL : colors.solid;
    const ttip = `${hex(transfer.phaseId)} ${transfer.name} — ${transfer.ok === false ? 'FAILED' : 'written'}\n${formatBytes(transfer.bytesSent)} of ${formatBytes(transfer.sizeBytes)} in ${formatDuration(transfer.endMs - transfer.startMs)} · ${formatRate(transfer.rateBytesPerS)}`;
    out.push(
      `<g class="transfer"><title>${esc(ttip)}</title><rect x="${n(t0)}" y="${y + 4}" width="${n(t1 - t0)}" height="${BAR_H - 8}" rx="2" fill="${fill}"/>`,
    );
    if (t1 - t0 >= transfer.name.length * CHAR_PX + 10) {
      out.push(
        `<text x="${n((t0 + t1) / 2)}" y="${y + BAR_H / 2 + 4}" font-size="11" fill="#fff" text-anchor="middle">${esc(transfer.name)}</text>`,
      );
    }
    out.push('</g>');
  }
  for (const mark of identity.phases) {
    if (mark.stage !== lane) continue;
    const x = geo.scale.x(mark.tMs);
    const bad = mark.phase === 0xff || mark.errorText !== null;
    const mtip = `GetPhase → ${hex(mark.phase)}${mark.needDetach ? ' (detach requested)' : ''}${mark.errorText ? `\n${mark.errorText}` : ''}\nat ${formatDuration(mark.tMs)}`;
    out.push(
      `<g class="phase"><title>${esc(mtip)}</title><path d="M${n(x - 4)} ${y - 9} h8 l-4 7 z" fill="${bad ? FAIL : INK}"/></g>`,
    );
  }
  // caption under the first segment of an enumeration: which port, how fast, which serial
  if (segment === identity.segments[0] || identity.segments.length === 0) {
    const caption = `#${ordinal + 1} ${id.portPath} · ${speedShort(id.speed)}${identity.serialNote ? ` · serial ${identity.serialNote}` : ''}`;
    // near the right edge the caption ends at the edge instead of running off it
    const rightAligned = x0 + caption.length * 5.9 > WIDTH - 4;
    out.push(
      `<text x="${n(rightAligned ? WIDTH - 4 : x0)}" y="${y + BAR_H + 14}" font-size="10.5" fill="${MUTED}"${rightAligned ? ' text-anchor="end"' : ''}>${esc(caption)}</text>`,
    );
  }
  return out.join('\n');
}

function speedShort(speed: string): string {
  switch (speed) {
    case 'high':
      return 'high speed';
    case 'full':
      return 'FULL speed (12 Mbit/s)';
    case 'super':
    case 'super-plus':
      return 'SuperSpeed';
    default:
      return `${speed} speed`;
  }
}

function gapResultText(gap: TimelineGap): string {
  switch (gap.result) {
    case 'arrived':
      return 'came back';
    case 'timeout':
      return 'nothing came back';
    case 'wrong-board':
      return 'a different board came back';
    case 'board-reset':
      return 'the board came back as the ROM (reset)';
    case 'inaccessible':
      return 'came back but could not be opened';
    case 'cancelled':
      return 'cancelled while waiting';
    case 'open':
      return 'still waiting when the journal ends';
  }
}

function renderGap(gap: TimelineGap, timeline: IdentityTimeline, geo: Geometry): string {
  const from = timeline.identities.find((i) => i.connectionId === gap.fromConnectionId) ?? null;
  const to = timeline.identities.find((i) => i.connectionId === gap.toConnectionId) ?? null;
  const fromLane = from ? lastLane(from) : null;
  const toLane: Lane | null = to ? firstLane(to) : (gap.expecting[0] ?? null);
  const x0 = geo.scale.x(gap.startMs);
  const x1 = Math.max(x0 + 1, geo.scale.x(gap.endMs));
  const duration = formatDuration(gapDurationMs(gap));
  const waited = gap.after
    ? ` (waiting ${gap.after}${gap.timeoutMs ? `, timeout ${formatDuration(gap.timeoutMs)}` : ''})`
    : '';
  const tip = `Off the bus for ${duration}${waited}: ${gapResultText(gap)}`;
  const out: string[] = [`<g class="gap"><title>${esc(tip)}</title>`];
  const failed = !to && gap.result !== 'arrived';
  const stroke = failed ? FAIL : MUTED;
  if (fromLane && toLane) {
    const y0 = geo.barMid(fromLane);
    const y1 = toLane === fromLane ? y0 : geo.barMid(toLane);
    const elbowX = to ? (x0 + x1) / 2 : x0 + 6;
    out.push(
      `<path d="M${n(x0)} ${y0} H${n(elbowX)} V${y1} H${n(to ? x1 : x0 + 12)}" fill="none" stroke="${stroke}" stroke-width="1.3" stroke-dasharray="4 3"/>`,
    );
  }
  if (failed && toLane) {
    const y = geo.barTop(toLane);
    const gx0 = x0 + 12;
    const width = Math.max(4, x1 - gx0);
    out.push(
      `<rect x="${n(gx0)}" y="${y}" width="${n(width)}" height="${BAR_H}" rx="4" fill="url(#tl-hatch)" stroke="${FAIL}" stroke-width="1.2" stroke-dasharray="5 3"/>`,
    );
    const label = `${stageLabel(toLane)} expected — ${gapResultText(gap)} for ${duration}`;
    const textY = y + BAR_H / 2 + 4;
    if (width >= label.length * CHAR_PX + 12) {
      out.push(
        `<text x="${n(gx0 + width / 2)}" y="${textY}" font-size="11.5" font-weight="600" fill="${FAIL}" text-anchor="middle">${esc(label)}</text>`,
      );
    } else {
      // a compressed wait is narrow: the words go left of it, in the empty part of the lane
      if (gx0 - PLOT_X0 - 10 >= label.length * CHAR_PX) {
        out.push(
          `<text x="${n(gx0 - 8)}" y="${textY}" font-size="11.5" font-weight="600" fill="${FAIL}" text-anchor="end" ${HALO}>${esc(label)}</text>`,
        );
      }
      if (width >= duration.length * CHAR_PX + 8) {
        out.push(
          `<text x="${n(gx0 + width / 2)}" y="${textY}" font-size="11.5" font-weight="600" fill="${FAIL}" text-anchor="middle">${esc(duration)}</text>`,
        );
      }
    }
  } else if (toLane) {
    // the duration sits just above the dashed line that leads into the next bar
    const label = `${duration} off the bus`;
    const room = x1 - PLOT_X0 - 6;
    const text = room >= label.length * CHAR_PX ? label : room >= duration.length * CHAR_PX ? duration : null;
    if (text) {
      out.push(
        `<text x="${n(x1 - 6)}" y="${geo.barMid(toLane) - 5}" font-size="11" fill="${MUTED}" text-anchor="end" ${HALO}>${esc(text)}</text>`,
      );
    }
  }
  out.push('</g>');
  return out.join('\n');
}

function firstLane(identity: TimelineIdentity): Lane {
  return identity.segments[0]?.stage ?? (identity.info.stage === 'unknown' ? 'unknown' : identity.info.stage);
}

function lastLane(identity: TimelineIdentity): Lane {
  return identity.segments[identity.segments.length - 1]?.stage ?? firstLane(identity);
}

function renderAxis(geo: Geometry, y: number): string {
  const out: string[] = [
    `<g class="axis" font-size="11" fill="${MUTED}">`,
    `<line x1="${PLOT_X0}" y1="${y}" x2="${PLOT_X1}" y2="${y}" stroke="#98a2b3"/>`,
  ];
  for (const tick of geo.scale.ticks) {
    out.push(
      `<line x1="${n(tick.x)}" y1="${y}" x2="${n(tick.x)}" y2="${y + 5}" stroke="#98a2b3"/>`,
      `<text x="${n(tick.x)}" y="${y + 18}" text-anchor="middle">${esc(tick.label)}</text>`,
    );
  }
  for (const b of geo.scale.breaks) {
    out.push(
      `<text x="${n((b.x0 + b.x1) / 2)}" y="${y + 33}" text-anchor="middle" font-style="italic">${esc(`⋯ ${formatDuration(b.endMs - b.startMs)} ⋯`)}</text>`,
    );
  }
  out.push(`<text x="${LABEL_X}" y="${y + 18}" font-weight="600">session time</text>`, '</g>');
  return out.join('\n');
}

function renderEndMarker(timeline: IdentityTimeline, geo: Geometry): string {
  let tMs: number;
  let color: string;
  let label: string;
  let tip: string;
  if (timeline.failure) {
    tMs = timeline.failure.tMs;
    color = FAIL;
    label = `✕ ${timeline.failure.title} · ${formatDuration(tMs)}`;
    tip = `${timeline.failure.title} (${timeline.failure.symptom})\n${timeline.failure.summary}`;
  } else if (timeline.status === 'ok') {
    tMs = timeline.endMs;
    color = OK;
    label = `✓ Flashed · ${formatDuration(tMs)}`;
    tip = 'Every partition was written.';
  } else if (timeline.status === 'cancelled') {
    tMs = timeline.endMs;
    color = MUTED;
    label = `Cancelled · ${formatDuration(tMs)}`;
    tip = 'The session was cancelled.';
  } else {
    tMs = timeline.endMs;
    color = MUTED;
    label = `Journal ends · ${formatDuration(tMs)}`;
    tip = 'The journal ends here without an outcome (the app stopped, or the file was cut).';
  }
  const x = geo.scale.x(tMs);
  const width = label.length * 6.9 + 20;
  const px = Math.min(Math.max(x - width / 2, 4), WIDTH - width - 4);
  return `<g class="end-marker"><title>${esc(tip)}</title>
<line x1="${n(x)}" y1="${TOP - 14}" x2="${n(x)}" y2="${geo.lanesBottom}" stroke="${color}" stroke-width="2"/>
<rect x="${n(px)}" y="6" width="${n(width)}" height="22" rx="11" fill="${color}"/>
<text x="${n(px + width / 2)}" y="21" font-size="12" font-weight="600" fill="#fff" text-anchor="middle">${esc(label)}</text>
</g>`;
}

function renderLegend(y: number): string {
  const items: string[] = [];
  let x = PLOT_X0;
  const add = (swatch: string, text: string): void => {
    items.push(
      `<g transform="translate(${n(x)} ${y})">${swatch}<text x="20" y="10" font-size="11" fill="${MUTED}">${esc(text)}</text></g>`,
    );
    x += 20 + text.length * 6.2 + 22;
  };
  add(
    `<rect width="14" height="12" rx="2" fill="${STAGE_COLORS.tfa.light}" stroke="${STAGE_COLORS.tfa.solid}"/>`,
    'USB enumeration',
  );
  add(`<rect width="14" height="12" rx="2" fill="${STAGE_COLORS.tfa.solid}"/>`, 'download');
  add(`<path d="M3 1 h8 l-4 7 z" fill="${INK}"/>`, 'GetPhase answer');
  add(`<path d="M0 6 H14" stroke="${MUTED}" stroke-dasharray="4 3"/>`, 'off the bus');
  add(`<rect width="14" height="12" rx="2" fill="url(#tl-hatch)" stroke="${FAIL}"/>`, 'expected, never came');
  add(`<rect width="14" height="12" rx="2" fill="${FAIL}"/>`, 'failure');
  return `<g class="legend">${items.join('')}</g>`;
}

function describeTimeline(timeline: IdentityTimeline): string {
  const stages = timeline.identities
    .map((identity) => identity.segments.map((s) => stageLabel(s.stage)).join('+'))
    .join(' → ');
  const end = timeline.failure
    ? `failed: ${timeline.failure.title}`
    : timeline.status === 'ok'
      ? 'flashed'
      : timeline.status;
  return `${timeline.identities.length} enumerations (${stages || 'none'}), ${end}, ${formatDuration(timeline.endMs)}.`;
}

/** Coordinates with one decimal: enough for a screen, small in the file. */
function n(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
