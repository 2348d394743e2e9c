/**
 * The board front daemon: one simulated board (main/sim) on the guest's real USB bus through
 * FunctionFS. Run inside the harness guest as root, from the compiled output:
 *
 *   node dist/test/usb-harness/ffs-board-front.js '{"soc":"mp15","scenario":"uboot-no-reconnect"}'
 *
 * Started with an IPC channel (child_process.fork), it answers messages from the case runner:
 * report, verify-layout, unplug, plug, stop. Without one it runs until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { systemClock } from '../../main/core/clock.js';
import { SimulatedBus, createSimulatedBoard } from '../../main/sim/index.js';
import { BoardFront } from './board-front.js';
import type { FrontOptions, FrontReport, FrontRequest, PartitionCheck } from './front-protocol.js';
import { ConfigfsGadget } from './gadget-configfs.js';

const options = JSON.parse(process.argv[2] ?? '{}') as FrontOptions;
const send = (message: Record<string, unknown>): void => {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
};

const bus = new SimulatedBus({ clock: systemClock });
const board = createSimulatedBoard({
  soc: options.soc,
  portPath: '1-1',
  ...(options.serial ? { serial: options.serial } : {}),
  ...(options.scenario ? { scenario: options.scenario } : {}),
  // The real bus is the wire now: no modelled per-transfer cost on top of it.
  timing: { timeScale: options.timeScale ?? 1, controlOverheadMs: 0, usbBytesPerSec: Infinity },
});
const gadget = new ConfigfsGadget(
  options.gadgetName ?? 'stm32mp',
  options.udc ?? process.env['USBH_UDC'] ?? 'dummy_udc.0',
);
gadget.destroy();
gadget.create();
const front = new BoardFront(bus, board, gadget, send, options.trace ?? false, (line) =>
  process.stderr.write(`ffs-board-front: ${line}\n`),
);
// The daemon lives until told to stop: never let an idle moment (no ep0 read in flight) end it.
const keepAlive = setInterval(() => undefined, 1 << 30);
bus.subscribe(front.onBusEvent);
bus.plug(board, { portPath: '1-1' });

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function firstDifference(a: Uint8Array, b: Uint8Array): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? null : n;
}

function report(): FrontReport {
  const log = board.transferLog();
  const requests: Record<string, number> = {};
  for (const entry of log) {
    const key = `${entry.stage ?? '-'} ${entry.request} ${entry.outcome}`;
    requests[key] = (requests[key] ?? 0) + 1;
  }
  return {
    label: board.label,
    soc: board.soc,
    serial: board.serial,
    status: board.status(),
    counters: front.counters,
    presentations: front.presentations,
    notes: front.notes,
    violations: board.invariantViolations(),
    received: board.receivedImages().map((r) => ({
      stage: r.stage,
      phaseId: r.phaseId,
      altIndex: r.altIndex,
      bytes: r.bytes.length,
      sha256: sha256(r.bytes),
      accepted: r.accepted,
      verdict: r.verdict,
      connectionId: r.connectionId,
    })),
    partitions: board.partitions(),
    history: board.history(),
    console: board.console(),
    requests,
    transfers: log.length,
  };
}

/** Compares every file of a FlashLayout with what the board holds, byte for byte. */
function verifyLayout(layoutPath: string): PartitionCheck[] {
  const dir = path.dirname(layoutPath);
  const checks: PartitionCheck[] = [];
  const partitions = board.partitions();
  for (const line of readFileSync(layoutPath, 'utf8').split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [opt, idText, name, , ip, , binary] = line.split('\t').map((f) => f.trim());
    if (!idText || !binary || binary === 'none' || !name || opt === undefined) continue;
    const phaseId = parseInt(idText, 16);
    const file = path.resolve(dir, binary);
    const expected = readFileSync(file);
    let received: Uint8Array | null = null;
    let completed: boolean | null = null;
    let kind: PartitionCheck['kind'] = 'partition';
    if (ip === 'none') {
      kind = 'ram-image';
      received = board.receivedImage(phaseId, phaseId === 0x01 ? 'rom' : 'tfa')?.bytes ?? null;
    } else {
      const partition = partitions.find((p) => p.id === phaseId);
      if (partition) {
        completed = partition.completed;
        received = partition.bytesWritten > 0 ? board.readPartition(phaseId) : new Uint8Array(0);
      }
    }
    checks.push({
      phaseId,
      name,
      kind,
      file,
      expectedBytes: expected.length,
      receivedBytes: received?.length ?? null,
      equal: received !== null && firstDifference(expected, received) === null,
      firstDifferenceAt: received === null ? null : firstDifference(expected, received),
      completed,
    });
  }
  return checks;
}

async function stop(code: number): Promise<never> {
  try {
    await front.stop();
    await bus.close();
    gadget.destroy();
  } catch (error) {
    process.stderr.write(`ffs-board-front: stopping: ${String(error)}\n`);
    code = code || 1;
  }
  clearInterval(keepAlive);
  // An ep0 read may still sit in the thread pool; exit does not wait for it.
  process.exit(code);
}

process.on('message', (raw) => {
  const message = raw as FrontRequest;
  const reply = (body: Record<string, unknown>): void => send({ type: 'reply', id: message.id, ...body });
  try {
    switch (message.type) {
      case 'report':
        reply({ report: report() });
        break;
      case 'verify-layout':
        reply({ checks: verifyLayout(message.layoutPath) });
        break;
      case 'unplug':
        bus.unplug(board);
        reply({});
        break;
      case 'plug':
        bus.plug(board, { portPath: '1-1' });
        reply({});
        break;
      case 'stop':
        reply({});
        void stop(0);
        break;
    }
  } catch (error) {
    reply({ error: String(error) });
  }
});
process.on('disconnect', () => void stop(0));
process.on('uncaughtException', (error) => {
  process.stderr.write(`ffs-board-front: FATAL: ${error.stack ?? String(error)}\n`);
  void stop(1);
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`ffs-board-front: FATAL (unhandled rejection): ${String(error)}\n`);
  void stop(1);
});
process.on('SIGTERM', () => void stop(0));
send({ type: 'started', pid: process.pid, label: board.label, serial: board.serial });
