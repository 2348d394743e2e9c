import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAUSES, SYMPTOMS } from '../../shared/domain/diagnosis.js';
import { LAYOUT_PROBLEM_CATALOGUE } from '../../shared/domain/layout-problem.js';
import { FAULT_SCENARIOS } from '../../main/sim/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

// The public catalogues live in code; README must list every code so users can look them up.
describe('README lists every public code', () => {
  it.each([
    ['symptom', Object.keys(SYMPTOMS)],
    ['cause', Object.keys(CAUSES)],
    ['layout problem', Object.keys(LAYOUT_PROBLEM_CATALOGUE)],
    ['fault scenario', FAULT_SCENARIOS.map((s) => s.id)],
  ])('%s codes', (_kind, codes) => {
    const missing = codes.filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});

describe('README links', () => {
  it('points only at images and files that exist in the repository', () => {
    const targets = [...readme.matchAll(/\]\(((?:resources|docs|test|bench)\/[^)\s]+)\)/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThanOrEqual(3);
    const missing = targets.filter((target) => !existsSync(new URL(`../../${target}`, import.meta.url)));
    expect(missing).toEqual([]);
  });
});
