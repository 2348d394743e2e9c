import type { BoardIdentity } from '../shared/domain/board-identity.js';
import { systemClock } from '../main/core/clock.js';
import { DfuClient } from '../main/dfu/dfu-client.js';
import { openFileBlockSource } from '../main/dfu/file-block-source.js';
import { ProgressThrottle } from '../main/flash/progress-throttle.js';
import { MiB } from './bench-fixture.js';
import { cpuMsSince } from './bench-stats.js';
import { NullDfuTransport } from './null-dfu-transport.js';

export interface HostOnlyRun {
  wallMs: number;
  cpuMs: number;
  MiBps: number;
  cpuMsPerMiB: number;
}

const NULL_IDENTITY: BoardIdentity = {
  connectionId: 'null-1',
  vid: 0x0483,
  pid: 0xdf11,
  bcdDevice: 0x0200,
  manufacturer: 'bench',
  product: 'null DFU device',
  serial: null,
  portPath: '0-0',
  bus: 0,
  ports: [0],
  speed: 'high',
  alts: [{ index: 0, name: '@null /0x01/1*4Ge' }],
  seenAtMs: 0,
  seenAt: new Date(0).toISOString(),
};

/**
 * The host's side of one partition download with the device taken out: the file streamed from disk,
 * cut into 4 KiB blocks, DNLOAD + GETSTATUS per block through the real DfuClient, progress throttled
 * as the pipeline does it, against a device that answers at once (NullDfuTransport).
 */
export async function hostOnlyDownload(filePath: string): Promise<HostOnlyRun> {
  const transport = new NullDfuTransport(NULL_IDENTITY);
  const client = await DfuClient.open(transport, { clock: systemClock });
  const source = await openFileBlockSource(filePath);
  const abort = new AbortController();
  const throttle = new ProgressThrottle(source.sizeBytes, systemClock.nowMs());
  let reports = 0;
  const cpuStart = process.cpuUsage();
  const startMs = performance.now();
  await client.download({
    alternate: 0,
    source,
    totalBytes: source.sizeBytes,
    signal: abort.signal,
    dnloadTimeoutMs: 30_000,
    manifestStatusTimeoutMs: 30_000,
    onProgress: (sent) => {
      if (throttle.update(systemClock.nowMs(), sent)) reports++;
    },
  });
  const wallMs = performance.now() - startMs;
  const cpuMs = cpuMsSince(cpuStart);
  if (transport.bytesReceived !== source.sizeBytes || reports === 0)
    throw new Error('null download incomplete');
  const mib = source.sizeBytes / MiB;
  return { wallMs, cpuMs, MiBps: mib / (wallMs / 1000), cpuMsPerMiB: cpuMs / mib };
}
