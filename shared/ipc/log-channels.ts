import { z } from 'zod';
import { defineRequest } from './channel.js';

export const logWriteSchema = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string().max(4000),
  context: z.record(z.string(), z.unknown()).optional(),
});

export type LogWrite = z.infer<typeof logWriteSchema>;

export const LOG_CHANNELS = {
  'log.write': defineRequest(logWriteSchema, z.object({}), 'Forwards a renderer log line to the app log.'),
} as const;
