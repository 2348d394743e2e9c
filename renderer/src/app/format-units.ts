/** Display strings for sizes, rates and times. Pure: the tests pin every one. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Transfer rates in decimal megabytes, as USB people quote them (HS bulk ≈ 40 MB/s). */
export function formatRate(bytesPerS: number): string {
  if (!Number.isFinite(bytesPerS) || bytesPerS <= 0) return '—';
  if (bytesPerS < 1e6) return `${(bytesPerS / 1e3).toFixed(0)} kB/s`;
  return `${(bytesPerS / 1e6).toFixed(1)} MB/s`;
}

/** 0.47 s, 3.0 s, 42 s, 2 min 05 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const totalS = Math.round(ms / 1000);
  const minutes = Math.floor(totalS / 60);
  const seconds = totalS % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Remaining time for an ETA or a countdown: whole seconds, never negative. */
export function formatRemaining(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function formatPercent(done: number, total: number): string {
  if (total <= 0) return '0 %';
  const percent = Math.min(100, Math.max(0, (done / total) * 100));
  return `${Math.floor(percent)} %`;
}

/** 14:03:27.412, the local time of an ISO timestamp. */
export function formatClockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatHex(value: number, digits = 2): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}

/** bcdDevice 0x0200 → "2.00"; 0x7e8a → "7e.8a" (vendor builds put anything there). */
export function formatBcd(value: number): string {
  const major = (value >> 8) & 0xff;
  const minor = value & 0xff;
  const isBcd = (n: number): boolean => n >> 4 < 10 && (n & 0xf) < 10;
  if (isBcd(major) && isBcd(minor)) return `${major.toString(16)}.${minor.toString(16).padStart(2, '0')}`;
  return `${major.toString(16).padStart(2, '0')}.${minor.toString(16).padStart(2, '0')}`;
}

export function baseName(filePath: string): string {
  const parts = filePath.split(/[\\/]/);
  return parts[parts.length - 1] ?? filePath;
}
