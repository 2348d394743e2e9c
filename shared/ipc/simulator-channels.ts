import { z } from 'zod';
import { defineEvent, defineRequest, noArgs } from './channel.js';
import { socIdSchema } from './domain-schemas.js';

export const simBoardSchema = z.object({
  label: z.string(),
  soc: socIdSchema,
  portPath: z.string().nullable(),
  serial: z.string(),
  scenario: z.string().nullable(),
  /** The simulated firmware stage (rom, tfa, uboot, off …), as the simulator names it. */
  stage: z.string(),
});

export type SimBoard = z.infer<typeof simBoardSchema>;

export const simStateSchema = z.object({
  enabled: z.boolean(),
  /** Model time → wall time; 1 is real speed. */
  timeScale: z.number(),
  boards: z.array(simBoardSchema),
  socs: z.array(socIdSchema),
  scenarios: z.array(z.object({ id: z.string(), title: z.string(), hostSees: z.string() })),
  freePorts: z.array(z.string()),
});

export type SimState = z.infer<typeof simStateSchema>;

export const simPlugRequestSchema = z.object({
  soc: socIdSchema,
  portPath: z
    .string()
    .regex(/^\d{1,3}-\d{1,3}(\.\d{1,3}){0,6}$/)
    .nullable(),
  scenario: z
    .string()
    .regex(/^[a-z][a-z-]{0,39}$/)
    .nullable(),
});

export type SimPlugRequest = z.infer<typeof simPlugRequestSchema>;

export const SIMULATOR_CHANNELS = {
  'sim.state': defineRequest(
    noArgs,
    simStateSchema,
    'Simulated boards, SoCs and fault scenarios (--simulate only).',
  ),
  'sim.plug': defineRequest(
    simPlugRequestSchema,
    simStateSchema,
    'Plugs a simulated board of a SoC into a port.',
  ),
  'sim.unplug': defineRequest(
    z.object({ label: z.string().min(1).max(80) }),
    simStateSchema,
    'Pulls its cable.',
  ),
} as const;

export const SIMULATOR_EVENTS = {
  'sim.changed': defineEvent(simStateSchema, 'A simulated board was plugged, unplugged or changed stage.'),
} as const;
