/**
 * Redaction of what identifies the user and the machine (home folder, user name, host name) in every
 * file of a support bundle, and removal of anything secret (OTP / PMIC contents, keys) whether or not
 * redaction is on. Values are never recorded: only categories and counts.
 */

export type RedactionCategory = 'home-folder' | 'user-name' | 'host-name';

export interface RedactionSubjects {
  homeDirs: string[];
  userNames: string[];
  hostNames: string[];
}

export const REDACTED_HOME = '<home>';
export const REDACTED_USER = '<user>';
export const REDACTED_HOST = '<host>';

/** Names that identify nobody and are also common words in this domain ("root" of rootfs, "vm"). */
const GENERIC_NAMES = new Set([
  'root',
  'user',
  'users',
  'admin',
  'administrator',
  'guest',
  'public',
  'default',
  'shared',
  'localhost',
  'localdomain',
  'home',
  'test',
]);
/** Shorter names are not redacted as words (too many false hits in ids, hex and abbreviations). */
export const MIN_NAME_CHARS = 3;

/**
 * Keys whose values may carry device secrets: OTP words, PMIC NVM bytes, keys. No FlashEvent carries
 * them today; the rule is here so that a future event that does never reaches a bundle.
 */
const SECRET_KEY =
  /^(otp|otps|otpwords|otpbytes|otpvalues|pmic|pmicnvm|pmicbytes|nvm|words|bytes|key|keys|privatekey|secret|secrets|password|passphrase|token)$/i;

export interface RedactionSummary {
  enabled: boolean;
  /** Replacements made, per category, over all files. */
  counts: Record<RedactionCategory, number>;
  /** Replacements per bundle file. */
  perFile: Record<string, Partial<Record<RedactionCategory, number>>>;
  /** Fields dropped because they may hold device secrets (always, even with redaction off). */
  secretFieldsDropped: number;
  placeholders: { home: string; user: string; host: string };
}

interface Rule {
  category: RedactionCategory;
  pattern: RegExp;
  replacement: string;
}

const PATH_CHAR = 'A-Za-z0-9._-';
/** One path separator as it appears in text: `/`, `\`, or `\\` (a Windows path inside JSON text). */
const SEPARATOR = '(?:\\\\{1,2}|/)';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function homeRule(home: string): Rule | null {
  const windows = /^[A-Za-z]:[\\/]/.test(home) || home.startsWith('\\\\');
  const parts = home.split(/[\\/]+/).filter((part) => part !== '');
  if (parts.length === 0) return null;
  const lead = home.startsWith('/') || home.startsWith('\\') ? SEPARATOR : '';
  const body = parts.map(escapeRegex).join(SEPARATOR);
  return {
    category: 'home-folder',
    pattern: new RegExp(`(?<![${PATH_CHAR}])${lead}${body}(?![${PATH_CHAR}])`, windows ? 'gi' : 'g'),
    replacement: REDACTED_HOME,
  };
}

function wordRule(category: RedactionCategory, name: string, replacement: string): Rule {
  return {
    category,
    pattern: new RegExp(`(?<![A-Za-z0-9_])${escapeRegex(name)}(?![A-Za-z0-9_])`, 'gi'),
    replacement,
  };
}

/** Usable as a word to redact: long enough and not a generic account or host name. */
export function isRedactableName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed.length >= MIN_NAME_CHARS && !GENERIC_NAMES.has(trimmed.toLowerCase());
}

function uniqueByLengthDesc(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].sort(
    (a, b) => b.length - a.length,
  );
}

export class Redactor {
  private readonly rules: Rule[] = [];
  private readonly counts: Record<RedactionCategory, number> = {
    'home-folder': 0,
    'user-name': 0,
    'host-name': 0,
  };
  private readonly perFile: Record<string, Partial<Record<RedactionCategory, number>>> = {};
  private secretFieldsDropped = 0;
  private currentFile: string | null = null;

  constructor(
    subjects: RedactionSubjects,
    readonly enabled: boolean,
  ) {
    // Homes first (they contain the user name), the longest first (a home inside another); host names
    // before user names (a host named "alice-laptop" must not become "<user>-laptop").
    const homes = uniqueByLengthDesc(subjects.homeDirs.map((h) => h.replace(/[\\/]+$/, ''))).filter(
      (h) => h.length >= 2,
    );
    for (const home of homes) {
      const rule = homeRule(home);
      if (rule) this.rules.push(rule);
    }
    const hosts = uniqueByLengthDesc(
      subjects.hostNames.flatMap((host) => [host, host.split('.')[0] ?? '']).filter(isRedactableName),
    );
    for (const host of hosts) this.rules.push(wordRule('host-name', host, REDACTED_HOST));
    for (const user of uniqueByLengthDesc(subjects.userNames).filter(isRedactableName)) {
      this.rules.push(wordRule('user-name', user, REDACTED_USER));
    }
  }

  /** Counts that follow are attributed to this bundle file. */
  forFile(name: string): this {
    this.currentFile = name;
    return this;
  }

  text(value: string): string {
    if (!this.enabled) return value;
    let result = value;
    for (const rule of this.rules) {
      result = result.replace(rule.pattern, () => {
        this.count(rule.category);
        return rule.replacement;
      });
    }
    return result;
  }

  /**
   * A deep copy of a JSON-shaped value with every string redacted and every secret-bearing field
   * dropped. `hostname` fields are replaced whole, whatever their length.
   */
  value<T>(input: T): T {
    return this.walk(input, null) as T;
  }

  summary(): RedactionSummary {
    return {
      enabled: this.enabled,
      counts: { ...this.counts },
      perFile: structuredClone(this.perFile),
      secretFieldsDropped: this.secretFieldsDropped,
      placeholders: { home: REDACTED_HOME, user: REDACTED_USER, host: REDACTED_HOST },
    };
  }

  private walk(input: unknown, key: string | null): unknown {
    if (typeof input === 'string') {
      if (this.enabled && key === 'hostname' && input !== '' && input !== REDACTED_HOST) {
        this.count('host-name');
        return REDACTED_HOST;
      }
      return this.text(input);
    }
    if (Array.isArray(input)) return input.map((item) => this.walk(item, null));
    if (input !== null && typeof input === 'object') {
      const output: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) {
        if (SECRET_KEY.test(k)) {
          this.secretFieldsDropped += 1;
          continue;
        }
        output[k] = this.walk(v, k);
      }
      return output;
    }
    return input;
  }

  private count(category: RedactionCategory): void {
    this.counts[category] += 1;
    if (this.currentFile !== null) {
      const file = (this.perFile[this.currentFile] ??= {});
      file[category] = (file[category] ?? 0) + 1;
    }
  }
}
