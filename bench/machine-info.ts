import os from 'node:os';
import { round } from './bench-stats.js';

export interface MachineInfo {
  cpuModel: string;
  logicalCpus: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  /** 1-minute load average when the bench started and ended: other work on the machine. */
  loadAverageStart: number;
  loadAverageEnd: number | null;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    logicalCpus: cpus.length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    os: `${os.type()} ${os.machine()}`,
    kernel: os.release(),
    node: process.version,
    loadAverageStart: round(os.loadavg()[0] ?? 0, 2),
    loadAverageEnd: null,
  };
}

export function loadAverageNow(): number {
  return round(os.loadavg()[0] ?? 0, 2);
}
