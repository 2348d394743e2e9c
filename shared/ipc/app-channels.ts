import { z } from 'zod';
import { defineRequest, noArgs } from './channel.js';

export const appInfoSchema = z.object({
  /** Which shell runs the renderer: the Electron window, or a browser tab of the development server. */
  mode: z.enum(['electron', 'web']),
  /** Started with --simulate: the bus holds simulated boards and the simulator panel is available. */
  simulate: z.boolean(),
  appVersion: z.string(),
  platform: z.enum(['linux', 'win32', 'darwin', 'other']),
  /** --layout <file.tsv> from the command line, opened at start. */
  initialLayoutPath: z.string().nullable(),
  /** A native file dialog exists (Electron); the web mode takes a typed path or a dropped file name. */
  canPickFiles: z.boolean(),
});

export type AppInfo = z.infer<typeof appInfoSchema>;

export const APP_CHANNELS = {
  'app.info': defineRequest(
    noArgs,
    appInfoSchema,
    'How the app was started (shell, simulation, initial layout).',
  ),
} as const;
