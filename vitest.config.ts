import { defineConfig } from 'vitest/config';

// Projects so CI can report unit, integration and e2e separately; all run TypeScript directly.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // The real-USB harness: one QEMU guest boot runs every case (test/usb-harness/README.md).
        // Only through `npm run test:usb`, which decides whether this machine can run it.
        test: {
          name: 'usb',
          include: ['test/usb-harness/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 30 * 60_000,
          // One guest at a time: two TCG guests on this 2-core machine only slow each other down.
          fileParallelism: false,
        },
      },
      {
        // The real renderer in headless Chromium against the web mode with simulated boards.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
