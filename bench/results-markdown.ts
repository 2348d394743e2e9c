import type { BenchResults } from './results-types.js';

type Row = [figure: string, value: string, target: string, method: string];

const fmt = (value: number | null | undefined, unit = ''): string =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : `${value}${unit}`;

function verdict(met: boolean | null): string {
  if (met === null) return '';
  return met ? ' ✅' : ' ❌';
}

/** bench/results.md: one table, the machine, and what each figure means. */
export function resultsMarkdown(r: BenchResults): string {
  const d = r.details;
  const rows: Row[] = [];
  if (r.hostEfficiency) {
    const h = d.hostEfficiency!;
    rows.push([
      'hostEfficiency.achievedOverIdeal',
      `${r.hostEfficiency.achievedOverIdeal}${verdict(r.hostEfficiency.achievedOverIdeal >= 0.99)}`,
      '≥ 0.99',
      `${h.rootfsBytes / 2 ** 20} MiB rootfs, VirtualClock, default timing model: ${h.achievedMiBps} of ${h.idealMiBps} MiB/s ` +
        `(model time with no request on the wire: ${h.idleGapMs} ms; ${h.requestsPerBlock} requests per block)`,
    ]);
    rows.push([
      'hostEfficiency.hostCpuMsPerMiB',
      fmt(r.hostEfficiency.hostCpuMsPerMiB, ' ms'),
      '',
      `process.cpuUsage(), DfuClient streaming the file to a zero-cost device (with the simulator in the process: ${h.processCpuMsPerMiBWithSim} ms/MiB)`,
    ]);
  }
  if (r.engineMiBps !== null && d.engine) {
    const e = d.engine;
    rows.push([
      'engineMiBps',
      `${r.engineMiBps}${verdict(r.engineMiBps >= 400)}`,
      '≥ 400',
      `full pipeline vs a timeScale-0 simulated board, wall time (${e.engineMiBpsPerCpuS} MiB per CPU-second; ` +
        `CPU/wall ${e.cpuOverWall}). CPU: simulator ${e.cpuShare.simulatorPercent} %, GC ${e.cpuShare.gcPercent} %, ` +
        `host ${e.cpuShare.hostPercent} %, other ${e.cpuShare.otherPercent} %`,
    ]);
    rows.push([
      'engine, host alone',
      `${e.hostOnlyMiBps}${verdict(e.hostOnlyMiBps >= 400)}`,
      '≥ 400',
      `DfuClient + file reads to a device that answers at once (${e.hostOnlyMiBpsPerCpuS} MiB per CPU-second)`,
    ]);
  }
  if (r.rssMB && d.rss) {
    const flat = r.rssMB.at4GiB - r.rssMB.at1GiB;
    rows.push([
      'rssMB',
      `1 GiB: ${r.rssMB.at1GiB}, 4 GiB: ${r.rssMB.at4GiB}${verdict(Math.max(r.rssMB.at1GiB, r.rssMB.at4GiB) <= 200)}`,
      '≤ 200, flat',
      `peak RSS of a fresh process per size, pipeline + simulator in one process (Δ ${Math.round(flat * 10) / 10} MB)`,
    ]);
    const host = r.rssMB.hostOnly;
    rows.push([
      'rssMB.hostOnly',
      `1 GiB: ${host.at1GiB}, 4 GiB: ${host.at4GiB}${verdict(Math.max(host.at1GiB, host.at4GiB) <= 200)}`,
      '≤ 200, flat',
      'the DFU engine streaming the same file to a zero-cost device, no simulator in the process',
    ]);
  }
  if (r.reconnectLatencyMs && d.reconnect) {
    rows.push([
      'reconnectLatencyMs',
      `median ${r.reconnectLatencyMs.median}, p95 ${r.reconnectLatencyMs.p95}${verdict(r.reconnectLatencyMs.median <= 50)}`,
      'median ≤ 50',
      `connect event → first request, ${d.reconnect.reenumerations} re-enumerations, real clock`,
    ]);
  }
  if (r.gangSpeedup && d.gang) {
    const curve = Object.entries(r.gangSpeedup)
      .map(([n, s]) => `${n}: ${s}`)
      .join(', ');
    const met = Object.entries(r.gangSpeedup).every(([n, s]) => s >= 0.9 * Number(n));
    rows.push([
      'gangSpeedup',
      `${curve}${verdict(met)}`,
      '≥ 0.9 × N',
      `device-bound boards on one bus, real clock; CPU/wall per round: ${Object.values(d.gang.cpuOverWall).join(', ')}`,
    ]);
  }
  if (r.layoutParseMs && d.layoutParse) {
    rows.push([
      'layoutParseMs',
      `median ${r.layoutParseMs.medianPerFile} per file, ${r.layoutParseMs.total} total`,
      '',
      `${d.layoutParse.files} real layouts, loadFlashLayout without hashing`,
    ]);
  }
  if (r.hashMiBps) {
    rows.push([
      'hashMiBps',
      `ours ${r.hashMiBps.ours}, sha256sum ${fmt(r.hashMiBps.sha256sum)}`,
      '',
      'same file, same run, page cache warm',
    ]);
  }
  rows.push([
    'realUsb',
    r.realUsb
      ? `ours ${r.realUsb.oursS} s, dfu-util ${r.realUsb.dfuUtilS} s, ratio ${r.realUsb.ratio}${verdict(r.realUsb.ratio <= 1)}` +
        (d.realUsb
          ? `; the smallest Node CLI over the usb package ${d.realUsb.packageCliS} s (ratio ${d.realUsb.packageCliRatio}: the floor for a Node tool)` +
            `; transfer without start-up: ours ${d.realUsb.oursTransferS} s, a bare loop over the usb package ${d.realUsb.packageLoopS} s` +
            `; GETSTATUS round trip: ours ${d.realUsb.roundTripMs.ours} ms, usb package alone ${d.realUsb.roundTripMs.usbPackage} ms`
          : '')
      : 'null',
    'ratio ≤ 1.0',
    r.realUsb ? (d.realUsb?.method ?? '') : `not measured: ${r.realUsbReason ?? 'unknown'}`,
  ]);

  const m = r.machine;
  const lines = [
    '# Benchmark results',
    '',
    `Generated ${r.generatedAt} by \`npm run bench\`${r.quick ? ' --quick (small images: not figures to publish)' : ''} in ${r.durationS} s.`,
    '',
    `Machine: ${m.cpuModel}, ${m.logicalCpus} logical CPUs, ${m.memoryGiB} GiB, ${m.os}, Linux ${m.kernel}, Node ${m.node}; ` +
      `1-minute load average ${m.loadAverageStart} at the start, ${m.loadAverageEnd ?? '?'} at the end ` +
      '(anything above 0 is other work competing for the CPUs: wall-clock figures suffer, ratios and model-time figures do not).',
    '',
    '| Figure | Value | Target | How |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`),
    '',
    '## Method of each figure',
    '',
    ...(
      [
        ['hostEfficiency', d.hostEfficiency?.method],
        ['engineMiBps', d.engine?.method],
        ['rssMB', d.rss?.method],
        ['reconnectLatencyMs', d.reconnect?.method],
        ['gangSpeedup', d.gang?.method],
        ['layoutParseMs', d.layoutParse?.method],
        ['hashMiBps', d.hash?.method],
        ['realUsb', d.realUsb?.method ?? (r.realUsbReason ? `Not measured: ${r.realUsbReason}` : undefined)],
      ] as const
    )
      .filter(([, method]) => method)
      .map(([name, method]) => `- **${name}**: ${method}`),
    '',
    'Full figures, breakdowns and per-step durations: `bench/results.json`.',
    '',
  ];
  return lines.join('\n');
}
