import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';

export interface CommandResult {
  exitCode: number;
  stdout: string;
}

/**
 * Everything the host probe reads from the machine, behind one interface so that tests can describe a
 * VirtualBox guest or a WSL distribution in a few lines. Every method answers "don't know" (null/false)
 * instead of throwing: a probe must never be the reason a flash cannot start.
 */
export interface HostReaders {
  platform: NodeJS.Platform;
  arch: string;
  /** os.release(): the kernel release ("6.8.0-45-generic", "10.0.22631", "23.5.0"). */
  kernelRelease(): string;
  /** os.version(): the kernel's version text (Windows: the edition name). */
  kernelVersion(): string;
  hostname(): string;
  readText(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  listDir(path: string): Promise<string[] | null>;
  canWrite(path: string): Promise<boolean>;
  /** Runs a program without a shell; null when it is missing, failed to start or timed out. */
  run(command: string, args: string[], timeoutMs: number): Promise<CommandResult | null>;
  /** Effective uid (POSIX), null elsewhere. */
  uid(): number | null;
  /** Supplementary group ids of this process (POSIX), null elsewhere. */
  groups(): number[] | null;
}

export function createNodeHostReaders(): HostReaders {
  return {
    platform: process.platform,
    arch: process.arch,
    kernelRelease: () => os.release(),
    kernelVersion: () => (typeof os.version === 'function' ? os.version() : ''),
    hostname: () => os.hostname(),
    async readText(path) {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return null;
      }
    },
    async exists(path) {
      try {
        await access(path, constants.F_OK);
        return true;
      } catch {
        return false;
      }
    },
    async listDir(path) {
      try {
        return await readdir(path);
      } catch {
        return null;
      }
    },
    async canWrite(path) {
      try {
        await access(path, constants.R_OK | constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    run(command, args, timeoutMs) {
      return new Promise((resolve) => {
        try {
          execFile(
            command,
            args,
            { timeout: timeoutMs, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 },
            (error, stdout) => {
              if (error && (typeof error.code !== 'number' || error.killed)) {
                resolve(null);
                return;
              }
              resolve({ exitCode: error && typeof error.code === 'number' ? error.code : 0, stdout });
            },
          );
        } catch {
          resolve(null);
        }
      });
    },
    uid: () => (typeof process.geteuid === 'function' ? process.geteuid() : null),
    groups: () => (typeof process.getgroups === 'function' ? process.getgroups() : null),
  };
}
