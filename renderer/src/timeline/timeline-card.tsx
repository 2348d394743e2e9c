import { useMemo, useState } from 'react';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { buildIdentityTimeline } from '../../../shared/timeline/identity-timeline.js';
import { buildTimeScale } from '../../../shared/timeline/time-scale.js';
import { formatDuration } from '../app/format-units.js';
import { useElementWidth } from '../app/hooks.js';
import { Panel } from '../app/panel.js';
import { IdentityDetails } from './identity-details.js';
import { TimelineChart } from './timeline-chart.js';

export interface TimelineCardProps {
  events: readonly FlashEvent[];
  /** Session time now, for a running session (the open bar and gap grow). */
  nowMs: number | null;
}

const LANE_CAPTION_PX = 72;

export function TimelineCard({ events, nowMs }: TimelineCardProps) {
  const timeline = useMemo(
    () => buildIdentityTimeline(events, nowMs === null ? {} : { nowMs }),
    [events, nowMs],
  );
  const [ref, width] = useElementWidth<HTMLDivElement>(900);
  const [hovered, setHovered] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const chartWidth = Math.max(240, width - LANE_CAPTION_PX - 12);
  const scale = useMemo(
    () =>
      buildTimeScale(timeline, {
        widthPx: chartWidth,
        compressAboveMs: 5_000,
        compressAboveShare: 0.4,
        compressedWidthPx: Math.max(90, Math.round(chartWidth * 0.12)),
        minTickSpacingPx: 72,
      }),
    [timeline, chartWidth],
  );
  const activeId =
    hovered ??
    (selected && timeline.identities.some((i) => i.connectionId === selected) ? selected : null) ??
    timeline.failure?.connectionId ??
    timeline.identities[timeline.identities.length - 1]?.connectionId ??
    null;
  const active = timeline.identities.find((i) => i.connectionId === activeId) ?? null;

  return (
    <Panel
      title="USB identity timeline"
      id="timeline"
      aside={
        <span className="count">
          {timeline.identities.length} enumerations · {formatDuration(timeline.endMs)}
          {timeline.portPath ? ` · port ${timeline.portPath}` : ''}
        </span>
      }
    >
      <div className="tl-legend" aria-hidden="true">
        <span className="swatch tl-stage-rom" /> ROM
        <span className="swatch tl-stage-tfa" /> TF-A
        <span className="swatch tl-stage-uboot-layout" /> U-Boot
        <span className="swatch tl-stage-uboot-partitions" /> U-Boot 2nd
        <span className="swatch swatch-gap" /> off the bus
        <span className="swatch swatch-phase" /> GetPhase
        <span className="swatch swatch-failure" /> failure
      </div>
      <div className="tl-frame" ref={ref}>
        {timeline.identities.length === 0 && timeline.gaps.length === 0 ? (
          <p className="empty">Waiting for the board's first enumeration…</p>
        ) : (
          <TimelineChart
            timeline={timeline}
            scale={scale}
            offsetPx={LANE_CAPTION_PX}
            activeId={activeId}
            onHover={setHovered}
            onSelect={(id) => setSelected((current) => (current === id ? null : id))}
          />
        )}
      </div>
      {timeline.failure ? (
        <p className="tl-failure-note" role="note">
          <strong>{timeline.failure.title}.</strong> {timeline.failure.summary}
        </p>
      ) : null}
      {active ? <IdentityDetails identity={active} /> : null}
    </Panel>
  );
}
