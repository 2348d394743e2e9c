import { createServer } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { LayoutProblem } from '../../../shared/domain/layout-problem.js';
import { LAYOUT_PROBLEM_CATALOGUE, LAYOUT_PROBLEM_CODES } from '../../../shared/domain/layout-problem.js';
import { parseFlashLayoutBytes } from '../../../main/layout/decode-layout.js';
import { loadFlashLayout } from '../../../main/layout/load-flash-layout.js';
import { PROBLEM_CASES } from './problem-code-cases.js';
import type { ProblemCase } from './problem-code-cases.js';
import { baseFiles, baseLayout, createWorkspace } from './layout-workspace.js';
import type { Workspace } from './layout-workspace.js';

let workspace: Workspace | null = null;
const servers: { close(): void }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await workspace?.dispose();
  workspace = null;
});

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function problemsFor(testCase: ProblemCase): Promise<LayoutProblem[]> {
  const layoutBytes = typeof testCase.layout === 'string' ? encode(testCase.layout) : testCase.layout;
  if (testCase.viaBytes === true) return parseFlashLayoutBytes(layoutBytes).problems;
  workspace = await createWorkspace();
  for (const [name, spec] of Object.entries({ ...baseFiles(), ...testCase.files })) {
    if (spec === 'directory') await mkdir(workspace.path(name));
    else if (spec === 'socket') servers.push(await listenOn(workspace.path(name)));
    else await workspace.write(name, spec);
  }
  const path = await workspace.write('layout.tsv', layoutBytes);
  return (await loadFlashLayout(path, { soc: testCase.soc ?? null })).problems;
}

function listenOn(path: string): Promise<{ close(): void }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(path, () => resolve(server));
  });
}

describe('every problem code has an input that produces exactly it', () => {
  it('covers the whole catalogue', () => {
    expect(new Set(PROBLEM_CASES.map((testCase) => testCase.code))).toEqual(new Set(LAYOUT_PROBLEM_CODES));
  });

  it('the base layout and files have no problem but the FIP type note', async () => {
    const problems = await problemsFor({
      code: 'type-needs-recent-uboot',
      layout: baseLayout(),
      line: 3,
      field: 'type',
    });
    expect(problems.map((problem) => problem.code)).toEqual(['type-needs-recent-uboot']);
  });

  it.each(PROBLEM_CASES.map((testCase) => [testCase.code, testCase] as const))(
    '%s',
    async (code, testCase) => {
      const problems = await problemsFor(testCase);
      const hit = problems.find((problem) => problem.code === code);
      expect(hit, JSON.stringify(problems, null, 1)).toBeDefined();
      expect(hit).toMatchObject({
        severity: LAYOUT_PROBLEM_CATALOGUE[code].severity,
        line: testCase.line,
        field: testCase.field,
      });
      expect(hit!.message.length).toBeGreaterThan(10);
      const others = new Set(
        problems
          .filter((problem) => problem.code !== code && problem.severity !== 'info')
          .map((problem) => problem.code),
      );
      expect([...others].sort()).toEqual([...(testCase.also ?? [])].sort());
    },
  );
});
