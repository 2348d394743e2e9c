import type { KeyboardEvent } from 'react';
import type { IdentityTimeline, TimelineIdentity } from '../../../shared/timeline/identity-timeline.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import type { TimeScale } from '../../../shared/timeline/time-scale.js';
import { formatDuration } from '../app/format-units.js';
import { phaseLabel } from '../app/stage-labels.js';
import { gapLabel, identityTitle, isFailedGap } from './timeline-format.js';

export interface TimelineChartProps {
  timeline: IdentityTimeline;
  scale: TimeScale;
  /** Left margin for the lane captions. */
  offsetPx: number;
  activeId: string | null;
  onHover: (connectionId: string | null) => void;
  onSelect: (connectionId: string) => void;
}

const Y = {
  failureLabel: 6,
  identityTop: 48,
  identityHeight: 46,
  transferTop: 114,
  transferHeight: 22,
  axis: 150,
  height: 176,
};

function identityHasText(widthPx: number): boolean {
  return widthPx >= 64;
}

export function TimelineChart({
  timeline,
  scale,
  offsetPx,
  activeId,
  onHover,
  onSelect,
}: TimelineChartProps) {
  const x = (tMs: number): number => offsetPx + scale.x(tMs);
  const width = offsetPx + scale.widthPx + 8;
  const midY = Y.identityTop + Y.identityHeight / 2;
  const failureX = timeline.failure ? x(timeline.failure.tMs) : null;
  const onKey = (event: KeyboardEvent, id: string): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(id);
    }
  };

  return (
    <svg
      className="tl-svg"
      width={width}
      height={Y.height}
      viewBox={`0 0 ${width} ${Y.height}`}
      role="img"
      aria-label={`USB identity timeline: ${timeline.identities.map(identityTitle).join(', then ')}`}
      data-testid="timeline-svg"
    >
      <defs>
        <pattern
          id="tl-hatch"
          width="8"
          height="8"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="8" height="8" className="tl-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="8" className="tl-hatch-line" />
        </pattern>
      </defs>

      <text x={0} y={midY + 4} className="tl-lane">
        Identity
      </text>
      <text x={0} y={Y.transferTop + Y.transferHeight / 2 + 4} className="tl-lane">
        DFU
      </text>

      {/* gaps: the board is off the bus between two stages */}
      {timeline.gaps.map((gap, index) => {
        const x0 = x(gap.startMs);
        const x1 = Math.max(x0 + 2, x(gap.endMs));
        const failed = isFailedGap(gap);
        return (
          <g
            key={`gap-${index}`}
            className={`tl-gap ${failed ? 'tl-gap-failed' : ''} ${gap.result === 'open' ? 'tl-gap-open' : ''}`}
          >
            {failed ? (
              <rect
                x={x0}
                y={Y.identityTop}
                width={x1 - x0}
                height={Y.identityHeight}
                fill="url(#tl-hatch)"
                rx={4}
              />
            ) : null}
            <line x1={x0} x2={x1} y1={midY} y2={midY} className="tl-gap-line" />
            <text
              x={Math.min((x0 + x1) / 2, width - 4)}
              y={Y.identityTop - 6}
              className="tl-gap-label"
              textAnchor={(x0 + x1) / 2 > width - 80 ? 'end' : 'middle'}
            >
              {gapLabel(gap)}
            </text>
            <title>
              {`Off the bus for ${formatDuration(gap.endMs - gap.startMs)}${gap.timeoutMs ? ` (timeout ${formatDuration(gap.timeoutMs)})` : ''}`}
            </title>
          </g>
        );
      })}

      {/* compressed time: a long wait drawn short */}
      {scale.breaks.map((b, index) => {
        const cx = offsetPx + (b.x0 + b.x1) / 2;
        return (
          <g key={`break-${index}`} className="tl-break" aria-hidden="true">
            {[midY, Y.axis].map((y) => (
              <g key={y}>
                <line x1={cx - 7} y1={y + 7} x2={cx - 1} y2={y - 7} />
                <line x1={cx + 1} y1={y + 7} x2={cx + 7} y2={y - 7} />
              </g>
            ))}
          </g>
        );
      })}

      {timeline.identities.map((identity) => (
        <IdentityBar
          key={identity.connectionId}
          identity={identity}
          x={x}
          active={identity.connectionId === activeId}
          onHover={onHover}
          onSelect={onSelect}
          onKey={onKey}
        />
      ))}

      {/* transfers: one bar per partition download, on the identity that received it */}
      {timeline.identities.flatMap((identity) =>
        identity.transfers.map((t, index) => {
          const x0 = x(t.startMs);
          const x1 = Math.max(x0 + 2, x(t.endMs ?? timeline.endMs));
          const w = x1 - x0;
          return (
            <g
              key={`${identity.connectionId}-${t.phaseId}-${index}`}
              className={`tl-transfer tl-stage-${t.stage} ${t.ok === false ? 'tl-transfer-failed' : ''}`}
            >
              <rect x={x0} y={Y.transferTop} width={w} height={Y.transferHeight} rx={3} />
              {w > 34 ? (
                <text x={x0 + 4} y={Y.transferTop + 15} className="tl-transfer-label">
                  {clip(t.name, Math.floor((w - 8) / 6.2))}
                </text>
              ) : null}
              <title>{`${t.name} (${phaseLabel(t.phaseId)}) → ${stageLabel(t.stage)}: ${t.bytesSent} / ${t.sizeBytes} bytes in ${formatDuration((t.endMs ?? timeline.endMs) - t.startMs)}${t.ok === false ? ' — failed' : ''}`}</title>
            </g>
          );
        }),
      )}

      <line x1={offsetPx} x2={offsetPx + scale.widthPx} y1={Y.axis} y2={Y.axis} className="tl-axis" />
      {scale.ticks.map((tick) => (
        <g key={`tick-${tick.tMs}`} className="tl-tick">
          <line x1={offsetPx + tick.x} x2={offsetPx + tick.x} y1={Y.axis} y2={Y.axis + 5} />
          <text
            x={offsetPx + tick.x}
            y={Y.axis + 18}
            textAnchor={tick.x > scale.widthPx - 24 ? 'end' : 'middle'}
          >
            {tick.label}
          </text>
        </g>
      ))}

      {failureX !== null && timeline.failure ? (
        <g className="tl-failure" data-testid="timeline-failure">
          <line x1={failureX} x2={failureX} y1={Y.failureLabel + 8} y2={Y.axis} />
          <circle cx={failureX} cy={Y.failureLabel + 8} r={7} />
          <text x={failureX} y={Y.failureLabel + 12} textAnchor="middle" className="tl-failure-bang">
            !
          </text>
          <text
            x={failureX > width * 0.6 ? failureX - 12 : failureX + 12}
            y={Y.failureLabel + 12}
            textAnchor={failureX > width * 0.6 ? 'end' : 'start'}
            className="tl-failure-label"
          >
            {timeline.failure.title}
          </text>
          <title>{timeline.failure.summary}</title>
        </g>
      ) : null}
    </svg>
  );
}

interface IdentityBarProps {
  identity: TimelineIdentity;
  x: (tMs: number) => number;
  active: boolean;
  onHover: (connectionId: string | null) => void;
  onSelect: (connectionId: string) => void;
  onKey: (event: KeyboardEvent, id: string) => void;
}

function IdentityBar({ identity, x, active, onHover, onSelect, onKey }: IdentityBarProps) {
  const x0 = x(identity.startMs);
  // A 20 ms enumeration still gets a bar you can point at.
  const x1 = Math.max(x0 + 10, x(identity.endMs));
  const w = x1 - x0;
  const title = identityTitle(identity);
  const id = identity.connectionId;
  return (
    <g
      className={`tl-identity ${active ? 'tl-identity-active' : ''} ${identity.open ? 'tl-identity-open' : ''}`}
      role="button"
      tabIndex={0}
      aria-pressed={active}
      aria-label={`${title}, ${formatDuration(identity.endMs - identity.startMs)} on the bus`}
      onMouseEnter={() => onHover(id)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(id)}
      onBlur={() => onHover(null)}
      onClick={() => onSelect(id)}
      onKeyDown={(e) => onKey(e, id)}
      data-testid={`timeline-identity-${id}`}
    >
      <rect
        x={x0}
        y={Y.identityTop}
        width={w}
        height={Y.identityHeight}
        rx={6}
        className="tl-identity-frame"
      />
      {identity.segments.map((segment, index) => {
        const s0 = x(segment.startMs);
        const s1 = Math.max(s0 + 2, x(segment.endMs));
        return (
          <rect
            key={index}
            x={s0}
            y={Y.identityTop}
            width={Math.min(s1, x1) - s0}
            height={Y.identityHeight}
            rx={6}
            className={`tl-segment tl-stage-${segment.stage}`}
          />
        );
      })}
      {identity.phases.map((mark, index) => (
        <g key={`phase-${index}`} className="tl-phase">
          <path d={`M ${x(mark.tMs) - 4} ${Y.identityTop + Y.identityHeight} l 4 -6 l 4 6 z`} />
          <title>{`GetPhase → ${phaseLabel(mark.phase)}${mark.errorText ? `: ${mark.errorText}` : ''}`}</title>
        </g>
      ))}
      {identity.detachesMs.map((tMs, index) => (
        <line
          key={`detach-${index}`}
          x1={x(tMs)}
          x2={x(tMs)}
          y1={Y.identityTop + 4}
          y2={Y.identityTop + Y.identityHeight - 4}
          className="tl-detach"
        >
          <title>DFU DETACH</title>
        </line>
      ))}
      {identityHasText(w) ? (
        <>
          <text x={x0 + 8} y={Y.identityTop + 19} className="tl-identity-title">
            {clip(title, Math.floor((w - 14) / 7.4))}
          </text>
          <text x={x0 + 8} y={Y.identityTop + 36} className="tl-identity-sub">
            {clip(
              `${formatDuration(identity.endMs - identity.startMs)} · ${identity.identity.speed === 'full' ? 'FS' : 'HS'}${identity.serialNote ? ` · serial ${identity.serialNote}` : ''}`,
              Math.floor((w - 14) / 6.2),
            )}
          </text>
        </>
      ) : null}
      <title>{`${title} — ${identity.identity.product ?? 'no product string'}`}</title>
    </g>
  );
}

function clip(text: string, maxChars: number): string {
  if (maxChars <= 1) return '';
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}
