import { readFileSync } from 'node:fs';
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
