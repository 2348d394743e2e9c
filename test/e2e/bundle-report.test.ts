import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYMPTOMS } from '../../shared/domain/diagnosis.js';
import type { SymptomCode } from '../../shared/domain/diagnosis.js';
import { exportSupportBundle } from '../../main/session/bundle/export-support-bundle.js';
import type { ScenarioInput, SimSoc } from '../../main/sim/index.js';
import { fakeMachine, recordSimSession } from '../integration/bundle-fixture.js';
import { launchChromium } from './e2e-harness.js';

const REPORT_DIR = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'report');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A real simulated flash → a redacted bundle → its report.html, written out for the browser. */
async function reportOf(name: string, soc: SimSoc, scenario?: ScenarioInput): Promise<string> {
  const session = await recordSimSession({ soc, ...(scenario ? { scenario } : {}) });
  const zipPath = path.join(session.root, 'bundle.zip');
  await exportSupportBundle({
    journalPath: session.journalPath,
    outputPath: zipPath,
    appLogPath: session.appLogPath,
    hostFacts: session.host,
    machine: fakeMachine(session.homeDir),
    env: {},
  });
  const html = unzipSync(await readFile(zipPath))['report.html'];
  if (!html) throw new Error('report.html missing from the bundle');
  await mkdir(REPORT_DIR, { recursive: true });
  const file = path.join(REPORT_DIR, `${name}.html`);
  await writeFile(file, html);
  return file;
}

const CASES: {
  name: string;
  soc: SimSoc;
  scenario?: ScenarioInput;
  symptom: SymptomCode | null;
  cause?: string;
}[] = [
  {
    name: 'mp15-uboot-no-reconnect',
    soc: 'mp15',
    scenario: 'uboot-no-reconnect',
    symptom: 'no-reenumeration',
    cause: "U-Boot's USB OTG controller is not set up for device mode",
  },
  {
    name: 'mp13-vm-filter',
    soc: 'mp13',
    scenario: { id: 'vm-filter', vm: 'virtualbox' },
    symptom: 'no-reenumeration',
    cause: 'This host is a virtual machine whose USB filter does not pass the new identity',
  },
  { name: 'mp25-layout-rejected', soc: 'mp25', scenario: 'layout-rejected', symptom: 'layout-rejected' },
  { name: 'mp15-write-error', soc: 'mp15', scenario: 'write-error', symptom: 'partition-write-failed' },
  { name: 'mp15-success', soc: 'mp15', symptom: null },
];

describe('report.html in Chromium', () => {
  it.each(CASES)(
    '$name: renders offline, shows the diagnosis and the timeline',
    async ({ name, soc, scenario, symptom, cause }) => {
      const file = await reportOf(name, soc, scenario);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => {
        if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      // a CSP violation (something tried to load or run) is reported as a console error
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(pathToFileURL(file).href);

      if (symptom) {
        const title = SYMPTOMS[symptom].title;
        await expect.poll(() => page.locator('#diagnosis .symptom .title').textContent()).toBe(title);
        expect(await page.locator('#diagnosis .symptom').isVisible()).toBe(true);
        expect(await page.locator('h1').textContent()).toContain(`Flash failed: ${title}`);
        expect(await page.locator('.timeline-svg .end-marker').textContent()).toContain(`✕ ${title}`);
        if (cause) expect(await page.getByText(cause, { exact: true }).first().isVisible()).toBe(true);
      } else {
        expect(await page.locator('h1').textContent()).toContain('Flash succeeded');
        expect(await page.getByText('No problem found').isVisible()).toBe(true);
      }
      const svg = await page.locator('.timeline-svg').boundingBox();
      expect(svg?.width).toBeGreaterThan(900);
      expect(svg?.height).toBeGreaterThan(250);
      expect(await page.locator('.timeline-svg .identity').count()).toBeGreaterThan(0);

      await page.screenshot({ path: path.join(REPORT_DIR, `${name}.png`), fullPage: true });
      await page.locator('#timeline').screenshot({ path: path.join(REPORT_DIR, `${name}-timeline.png`) });
      expect(requests).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it('stays readable in a narrow window', async () => {
    const file = await reportOf('narrow', 'mp15', 'uboot-no-reconnect');
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    // runs in the page; this tsconfig has no DOM types, hence the string
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(REPORT_DIR, 'narrow.png'), fullPage: true });
    await page.close();
  });
});
