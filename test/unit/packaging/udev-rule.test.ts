import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const RULE_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'resources',
  'udev',
  '50-stm32mp-dfu.rules',
);

interface RuleToken {
  key: string;
  attribute: string | null;
  operator: string;
  value: string;
}

/**
 * udev's rule syntax (udev(7)): comma-separated KEY[{attr}]OP"value" pairs; match operators == and !=,
 * assignment operators =, +=, -=, :=; values always double-quoted.
 */
function parseRuleLine(line: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  const pattern = /\s*([A-Z_]+)(?:\{([^}]+)\})?(==|!=|\+=|-=|:=|=)"([^"]*)"\s*(,|$)/y;
  let index = 0;
  while (index < line.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(line);
    if (!match) throw new Error(`cannot parse at column ${index + 1}: ${line.slice(index)}`);
    tokens.push({ key: match[1]!, attribute: match[2] ?? null, operator: match[3]!, value: match[4]! });
    index = pattern.lastIndex;
    if (match[5] === '') break;
  }
  return tokens;
}

const MATCH_KEYS = new Set(['SUBSYSTEM', 'ATTR', 'ATTRS', 'ACTION', 'ENV', 'KERNEL']);
const ASSIGN_KEYS = new Set(['MODE', 'GROUP', 'OWNER', 'TAG', 'ENV', 'SYMLINK']);

describe('resources/udev/50-stm32mp-dfu.rules', () => {
  test('every rule line parses: known keys, right operators, quoted values', async () => {
    const text = await readFile(RULE_FILE, 'utf8');
    const rules = text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    expect(rules.length).toBeGreaterThan(0);
    for (const line of rules) {
      const tokens = parseRuleLine(line);
      for (const token of tokens) {
        if (token.operator === '==' || token.operator === '!=')
          expect(MATCH_KEYS.has(token.key), token.key).toBe(true);
        else expect(ASSIGN_KEYS.has(token.key), token.key).toBe(true);
      }
      expect(tokens.some((t) => t.operator === '==')).toBe(true);
    }
  });

  test('grants access to every STM32MP DFU identity (0483:df11, and 0483:5720 without the PID fix-up)', async () => {
    const text = await readFile(RULE_FILE, 'utf8');
    const rules = text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
      .map(parseRuleLine);
    const products = rules.map((tokens) => {
      const get = (key: string, attribute: string | null = null): string | undefined =>
        tokens.find((t) => t.key === key && t.attribute === attribute)?.value;
      expect(get('SUBSYSTEM')).toBe('usb');
      expect(get('ATTR', 'idVendor')).toBe('0483');
      expect(tokens.find((t) => t.key === 'MODE')?.value).toMatch(/^0[0-7]{3}$/);
      expect(tokens.find((t) => t.key === 'TAG')).toMatchObject({ operator: '+=', value: 'uaccess' });
      return get('ATTR', 'idProduct');
    });
    expect(products.sort()).toEqual(['5720', 'df11']);
  });

  test('the parser rejects what udev rejects', () => {
    expect(() => parseRuleLine('SUBSYSTEM=="usb", MODE=0660')).toThrow();
    expect(() => parseRuleLine('SUBSYSTEM=="usb" MODE="0660"')).toThrow();
    expect(() => parseRuleLine('SUBSYSTEM=~"usb"')).toThrow();
  });
});
