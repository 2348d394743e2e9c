import { z } from 'zod';
import { defineEvent, defineRequest, noArgs } from './channel.js';
import { hostFactsSchema } from './domain-schemas.js';

/** main/host's VM filter advice, as data the pre-flight panel renders. */
export const vmAdviceSchema = z.object({
  kind: z.string(),
  product: z.string(),
  mechanism: z.enum(['usb-filter', 'usbip', 'none']),
  summary: z.string(),
  steps: z.array(
    z.object({
      where: z.enum(['host', 'host-admin', 'vm-config', 'guest']),
      text: z.string(),
      command: z.string().nullable(),
    }),
  ),
  caveats: z.array(z.string()),
});

export type VmAdvice = z.infer<typeof vmAdviceSchema>;

/** Can this user open the board, and if not, the one thing to do. */
export const usbAdviceSchema = z.object({
  status: z.enum(['ok', 'action-needed', 'unknown']),
  title: z.string(),
  detail: z.string(),
  /** The single command to run (Linux udev rule), when there is one. */
  command: z.string().nullable(),
  /** Longer explanation (Windows WinUSB binding), when there is one. */
  explanation: z.string().nullable(),
});

export type UsbAdvice = z.infer<typeof usbAdviceSchema>;

export const hostViewSchema = z.object({
  facts: hostFactsSchema,
  vmAdvice: vmAdviceSchema.nullable(),
  usbAdvice: usbAdviceSchema,
  checkedAt: z.string(),
});

export type HostView = z.infer<typeof hostViewSchema>;

export const HOST_CHANNELS = {
  'host.facts': defineRequest(
    noArgs,
    hostViewSchema,
    'The last host probe (VM, USB access) with its advice.',
  ),
  'host.refresh': defineRequest(noArgs, hostViewSchema, 'Probes the host again (after installing a rule).'),
} as const;

export const HOST_EVENTS = {
  'host.changed': defineEvent(hostViewSchema, 'The host facts changed (a new probe, or a simulated VM).'),
} as const;
