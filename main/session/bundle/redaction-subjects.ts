import os from 'node:os';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import type { HostFacts } from '../../../shared/domain/host-facts.js';
import type { RedactionSubjects } from './redactor.js';

export interface SubjectSources {
  env?: Record<string, string | undefined>;
  /** The journal's events: the host it was recorded on and the paths it names. */
  events?: readonly FlashEvent[];
  /** The host probed at export time. */
  hostFacts?: HostFacts | null;
  /** Added as given (tests, a station's known names). */
  extra?: Partial<RedactionSubjects>;
  /** This machine; default node:os. Tests replace it so the real account never leaks into a result. */
  machine?: { homedir(): string; username(): string | null; hostname(): string } | null;
}

const nodeMachine = {
  homedir: () => os.homedir(),
  username: () => {
    try {
      return os.userInfo().username;
    } catch {
      return null;
    }
  },
  hostname: () => os.hostname(),
};

/** Home folders as they appear in paths; group 1 = the home, group 2 = the user name. */
const HOME_PATTERNS: readonly RegExp[] = [
  /^(\/(?:home|Users|var\/home|export\/home|usr\/home)\/([^/]+))(?:\/|$)/,
  /^([A-Za-z]:[\\/](?:Users|Documents and Settings)[\\/]([^\\/]+))(?:[\\/]|$)/i,
  /^(\/mnt\/[a-z]\/Users\/([^/]+))(?:\/|$)/i,
];

/** The home folder and user name a path reveals, if it lies in a home. */
export function homeInPath(filePath: string): { home: string; user: string | null } | null {
  for (const pattern of HOME_PATTERNS) {
    const match = pattern.exec(filePath);
    if (match?.[1] && match[2]) return { home: match[1], user: match[2] };
  }
  if (/^\/root(?:\/|$)/.test(filePath)) return { home: '/root', user: null };
  return null;
}

/**
 * Whose names to redact: this machine's account and host (the exporter), the host the journal was
 * recorded on and the homes its paths reveal (a bundle re-exported on a support machine still hides
 * the bench engineer's names), and the fresh probe's host name.
 */
export function gatherRedactionSubjects(sources: SubjectSources = {}): RedactionSubjects {
  const env = sources.env ?? process.env;
  const machine = sources.machine === undefined ? nodeMachine : sources.machine;
  const homeDirs: string[] = [];
  const userNames: string[] = [];
  const hostNames: string[] = [];
  const add = (list: string[], value: string | null | undefined): void => {
    if (value && value.trim() !== '') list.push(value);
  };
  if (machine) {
    add(homeDirs, machine.homedir());
    add(userNames, machine.username());
    add(hostNames, machine.hostname());
    add(homeDirs, env.HOME);
    add(homeDirs, env.USERPROFILE);
    add(userNames, env.USER);
    add(userNames, env.USERNAME);
    add(userNames, env.LOGNAME);
    add(hostNames, env.HOSTNAME);
    add(hostNames, env.COMPUTERNAME);
  }
  add(hostNames, sources.hostFacts?.hostname);
  for (const event of sources.events ?? []) {
    const paths: (string | null)[] = [];
    if (event.type === 'session-start') {
      add(hostNames, event.host.hostname);
      paths.push(event.layoutPath);
    } else if (event.type === 'partition-start') {
      paths.push(event.file);
    }
    for (const filePath of paths) {
      const found = filePath ? homeInPath(filePath) : null;
      if (found) {
        add(homeDirs, found.home);
        add(userNames, found.user);
      }
    }
  }
  for (const home of homeDirs.slice()) {
    const found = homeInPath(home);
    if (found) add(userNames, found.user);
  }
  homeDirs.push(...(sources.extra?.homeDirs ?? []));
  userNames.push(...(sources.extra?.userNames ?? []));
  hostNames.push(...(sources.extra?.hostNames ?? []));
  return {
    homeDirs: [...new Set(homeDirs)],
    userNames: [...new Set(userNames)],
    hostNames: [...new Set(hostNames)],
  };
}
