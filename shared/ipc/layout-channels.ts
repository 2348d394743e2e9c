import { z } from 'zod';
import { defineRequest, noArgs } from './channel.js';
import { flashPlanSchema } from './domain-schemas.js';

const pathSchema = z.string().min(1).max(4096);

export const layoutOpenedSchema = z.object({
  plan: flashPlanSchema,
  /** Recent layouts, newest first, this one included. */
  recent: z.array(z.string()),
});

export type LayoutOpened = z.infer<typeof layoutOpenedSchema>;

export const LAYOUT_CHANNELS = {
  'layout.open': defineRequest(
    z.object({ path: pathSchema }),
    layoutOpenedSchema,
    'Reads a FlashLayout and its binaries; bad content comes back as located problems, not errors.',
  ),
  'layout.pick': defineRequest(
    noArgs,
    z.object({ path: pathSchema.nullable() }),
    'Native file dialog (Electron only); null when the user closed it.',
  ),
  'layout.recent': defineRequest(
    noArgs,
    z.object({ paths: z.array(z.string()) }),
    'Recent layouts, newest first.',
  ),
} as const;
