import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/app-error.js';

/** How the admin PIN is stored in a station profile: never the PIN, only a salted scrypt hash. */
export interface AdminPinHash {
  kdf: 'scrypt';
  /** CPU/memory cost; a power of two. */
  N: number;
  r: number;
  p: number;
  keyLengthBytes: number;
  /** Base64, per profile. */
  salt: string;
  /** Base64, keyLengthBytes long. */
  hash: string;
}

export type ScryptCost = Pick<AdminPinHash, 'N' | 'r' | 'p' | 'keyLengthBytes'>;

/**
 * N = 2^15, r = 8, p = 1: about 0.1 s on a station PC (0.34 s measured on a slow 2-core VM) and
 * 32 MiB per check. OWASP's floor for passwords is N = 2^17; a PIN is short enough that no cost
 * saves it from an offline attacker holding the profile (file permissions protect the profile), while
 * online guessing is held back by the lock's back-off, so a slower unlock would buy little.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1, keyLengthBytes: 32 };
export const PIN_SALT_BYTES = 16;
export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 64;

/** Bad PINs are refused when the profile is made, with a specific message. */
export function checkPinText(pin: string): void {
  if (pin.length < PIN_MIN_LENGTH) {
    throw new AppError(
      'bad-input',
      `The admin PIN must have at least ${PIN_MIN_LENGTH} characters.`,
      {},
      'Six digits or more is a good PIN for a station.',
    );
  }
  if (pin.length > PIN_MAX_LENGTH) {
    throw new AppError('bad-input', `The admin PIN must have at most ${PIN_MAX_LENGTH} characters.`);
  }
  if (pin.trim() !== pin) {
    throw new AppError(
      'bad-input',
      'The admin PIN must not start or end with a space: a kiosk keypad cannot type it reliably.',
    );
  }
  if (/\p{Cc}/u.test(pin)) {
    throw new AppError('bad-input', 'The admin PIN must not contain control characters.');
  }
}

export async function hashAdminPin(
  pin: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<AdminPinHash> {
  checkPinText(pin);
  const salt = randomBytes(PIN_SALT_BYTES);
  const key = await derive(pin, salt, cost);
  return { kdf: 'scrypt', ...cost, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Constant-time compare of the derived key; the cost parameters come from the stored hash. */
export async function adminPinMatches(pin: string, stored: AdminPinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(pin, Buffer.from(stored.salt, 'base64'), stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function derive(pin: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFC so a PIN typed on another keyboard layout or IME yields the same bytes
    scrypt(
      Buffer.from(pin.normalize('NFC'), 'utf8'),
      salt,
      cost.keyLengthBytes,
      // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly that for N = 2^15, r = 8
      { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}
