import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runWebMode, type WebMode } from '../../main/web/run-web-mode.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'e2e');

/** Debian's Chromium, headless, with everything that would reach the network switched off. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Station {
  web: WebMode;
  browser: Browser;
  page: Page;
  dir: string;
  /** Page errors and console errors seen so far (a test fails on any). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * The web mode with simulated boards, on a free port, in this process (the same services the Electron
 * app composes), and a 1280×720 page on it.
 */
export async function openStation(argv: string[], colorScheme: 'light' | 'dark' = 'light'): Promise<Station> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flash-station-e2e-'));
  const web = await runWebMode([
    '--simulate',
    '--port',
    '0',
    '--user-data',
    path.join(dir, 'user-data'),
    ...argv,
  ]);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(web.server.url);
  return {
    web,
    browser,
    page,
    dir,
    problems,
    async close() {
      await browser.close();
      await web.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

export async function openLayout(page: Page, layoutPath: string): Promise<void> {
  await page.fill('#layout-path', layoutPath);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('partition-table').waitFor();
}

/**
 * Plugs a simulated MP15 whose U-Boot never re-enumerates and starts flashing `layoutPath` to it. The
 * wait after TF-A is set to 3 s in Settings (persisted like any setting) so the failure comes quickly.
 */
export async function startUbootNoReconnectFlash(page: Page, layoutPath: string): Promise<void> {
  await page.getByTestId('open-settings').click();
  await page.getByTestId('timeout-afterFipSeconds').fill('3');
  await page.getByTestId('settings-save').click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  await page.getByTestId('sim-scenario').selectOption('uboot-no-reconnect');
  await page.getByTestId('sim-plug').click();
  await page.getByTestId('board-1-2').waitFor();
  await openLayout(page, layoutPath);
  await page.getByTestId('flash-start').click();
}
