import { PHASE } from './dfu-codes.js';
import { ubootAltString, ubootVirtualAlt } from './soc-profiles.js';
import type { StageEnv } from './stage-types.js';
import type { StorageArea } from './storage-devices.js';
import { mediaEraseMs } from './timing-model.js';
import type { UbootEntity } from './uboot-dfu-function.js';
import type { PlacedPartition } from './uboot-device-init.js';

/**
 * The DFU entities stm32prog registers (S1 dfu_init_entities, S2 virt media): FlashLayout in RAM, one
 * per placed partition, the command alt, OTP and PMIC.
 */
export type EntityRole = 'layout' | 'partition' | 'cmd' | 'otp' | 'pmic';

export interface ProgEntity extends UbootEntity {
  role: EntityRole;
  placed: PlacedPartition | null;
  /** OTP/PMIC: what the flush callback does with the data received (S1 otp_start / pmic_start). */
  commit?(): string | null;
}

export interface PartitionProgress {
  bytesWritten: number;
  completed: boolean;
}

export const FLASHLAYOUT_SIZE_BYTES = 256 * 1024;
export const CMD_SIZE_BYTES = 512;
const PMIC_SIZE_BYTES = 8;

/** dfu_mmc / dfu_ram refuse writes past the entity (§5.9, §7 #9). */
function exceedArea(env: StageEnv): string {
  env.console('Request would exceed designated area!');
  return 'Request would exceed designated area!';
}

const NO_FLUSH = (): { error: null; durationMs: number } => ({ error: null, durationMs: 0 });

export function layoutEntity(env: StageEnv, buffer: Uint8Array): ProgEntity {
  return {
    role: 'layout',
    placed: null,
    altName: `@FlashLayout/0x00/1*256Ke`,
    phaseId: PHASE.flashLayout,
    medium: 'ram',
    mediumSizeBytes: () => buffer.length,
    writeMedium: (offset, data) => {
      if (offset + data.length > buffer.length) return exceedArea(env);
      buffer.set(data, offset);
      return null;
    },
    readMedium: (offset, length) => buffer.slice(offset, Math.min(buffer.length, offset + length)),
    flushMedium: NO_FLUSH,
  };
}

export function partitionEntity(
  env: StageEnv,
  placed: PlacedPartition,
  progress: Map<number, PartitionProgress>,
): ProgEntity {
  const part = placed.part;
  const area: StorageArea = part.hwPartition === 1 ? 'boot1' : part.hwPartition === 2 ? 'boot2' : 'user';
  const store = placed.device.area(area);
  const base = placed.device.toStoreOffset(placed.offsetBytes);
  const ubi = part.type === 'System' && placed.medium !== 'mmc' && placed.medium !== 'ram';
  return {
    role: 'partition',
    placed,
    altName: ubootAltString(part.name, part.id, placed.sizeBytes, part.select && !part.empty),
    phaseId: part.id,
    medium: placed.medium,
    mediumSizeBytes: () => placed.sizeBytes,
    writeMedium: (offset, data) => {
      if (!store || offset + data.length > placed.sizeBytes) return exceedArea(env);
      store.write(base + offset, data);
      const entry = progress.get(part.id) ?? { bytesWritten: 0, completed: false };
      entry.bytesWritten = Math.max(entry.bytesWritten, offset + data.length);
      progress.set(part.id, entry);
      return null;
    },
    readMedium: (offset, length) => {
      if (!store) return new Uint8Array(0);
      const n = Math.max(0, Math.min(length, placed.sizeBytes - offset));
      return store.read(base + offset, n);
    },
    flushMedium: (totalBytes) => {
      // partubi: the flush erases the unused remainder of the partition (§5.5).
      if (!ubi || !store || totalBytes >= placed.sizeBytes) return { error: null, durationMs: 0 };
      store.erase(base + totalBytes, placed.sizeBytes - totalBytes);
      return {
        error: null,
        durationMs: mediaEraseMs(env.timing, placed.medium, placed.sizeBytes - totalBytes),
      };
    },
  };
}

export interface CommandHooks {
  getPhaseReply(): Uint8Array;
  /** Returns false when the phase is not in the layout (§4.4 −EINVAL). */
  setPhase(phase: number, offset: number): boolean;
}

/** The 0xF1 command alt: GetPhase on read (§4.2), the phase command on write (§4.4). */
export function cmdEntity(env: StageEnv, hooks: CommandHooks): ProgEntity {
  return {
    role: 'cmd',
    placed: null,
    altName: ubootVirtualAlt('virtual', PHASE.cmd, CMD_SIZE_BYTES),
    phaseId: PHASE.cmd,
    medium: null,
    mediumSizeBytes: () => CMD_SIZE_BYTES,
    // A second read at a non-zero offset is EOF (§4.2).
    readMedium: (offset) => (offset === 0 ? hooks.getPhaseReply() : new Uint8Array(0)),
    writeMedium: (offset, data) => {
      if (data.length < 5) return 'size not allowed';
      if (offset !== 0) return 'invalid offset';
      const phase = data[0]!;
      // Big-endian here, little-endian in GetPhase (§4.4).
      const value = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1, false);
      if (phase === PHASE.reset) {
        env.console(`## Starting application at 0x${value.toString(16)} ...`);
        env.signal({ type: 'jump', address: value });
        return null;
      }
      return hooks.setPhase(phase, value) ? null : 'failed: -22';
    },
    flushMedium: NO_FLUSH,
  };
}

/** OTP / PMIC NVM: reads show the device values, writes are staged and applied by `commit()`. */
export function nvmEntity(role: 'otp' | 'pmic', target: Uint8Array): ProgEntity {
  let pending: Uint8Array | null = null;
  const phaseId = role === 'otp' ? PHASE.otp : PHASE.pmic;
  return {
    role,
    placed: null,
    altName: ubootVirtualAlt(
      role === 'otp' ? 'OTP' : 'PMIC',
      phaseId,
      role === 'otp' ? target.length : PMIC_SIZE_BYTES,
    ),
    phaseId,
    medium: null,
    mediumSizeBytes: () => target.length,
    readMedium: (offset, length) => target.slice(offset, Math.min(target.length, offset + length)),
    writeMedium: (offset, data) => {
      if (offset === 0 || !pending) pending = new Uint8Array(target.length);
      pending.set(data.subarray(0, Math.max(0, target.length - offset)), offset);
      return null;
    },
    flushMedium: NO_FLUSH,
    commit: () => {
      if (!pending) return role === 'otp' ? 'start OTP without data' : null;
      target.set(pending);
      pending = null;
      return null;
    },
  };
}
