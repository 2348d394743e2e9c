/** USB link speed as the host reports it. A DFU board that should be high speed but shows `full` is a
 * cable / hub / port problem worth flagging. */
export type UsbSpeed = 'low' | 'full' | 'high' | 'super' | 'super-plus' | 'unknown';

/** One alternate setting of the DFU interface, with its iInterface string (the ST `@Name /0xID/…`). */
export interface AltSettingInfo {
  index: number;
  name: string | null;
}

/**
 * What one enumeration of a device looked like. A physical board is keyed by `portPath`; the same board
 * appears as several identities (ROM, TF-A, U-Boot ×2) over a flash.
 */
export interface BoardIdentity {
  /** Unique per enumeration: a re-enumeration of the same board gets a new `connectionId`. */
  connectionId: string;
  vid: number;
  pid: number;
  bcdDevice: number;
  manufacturer: string | null;
  product: string | null;
  serial: string | null;
  /** `<bus>-<port>.<port>…` as Linux sysfs names it, e.g. `1-2.3`. The key of a physical board. */
  portPath: string;
  bus: number | null;
  ports: number[];
  speed: UsbSpeed;
  /** Alternate settings of interface 0 (the DFU interface on every STM32MP stage). */
  alts: AltSettingInfo[];
  /** Monotonic milliseconds from the injected clock when this identity was seen. */
  seenAtMs: number;
  /** Wall clock (ISO 8601) when this identity was seen. */
  seenAt: string;
}

export const ST_VID = 0x0483;
export const ST_DFU_PID = 0xdf11;

export function formatVidPid(identity: Pick<BoardIdentity, 'vid' | 'pid'>): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(identity.vid)}:${hex(identity.pid)}`;
}
