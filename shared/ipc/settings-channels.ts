import { z } from 'zod';
import { defineEvent, defineRequest, noArgs } from './channel.js';

const seconds = z.number().min(1).max(3600);
const folder = z.string().min(1).max(4096).nullable();

/** Stage timeouts as people think of them (seconds); main converts to StageTimeouts (ms). */
export const timeoutSettingsSchema = z.object({
  startSeconds: seconds,
  afterFsblSeconds: seconds,
  afterDdrFipSeconds: seconds,
  afterFipSeconds: seconds,
  afterLayoutSeconds: seconds,
});

export const settingsSchema = z.object({
  timeouts: timeoutSettingsSchema,
  folders: z.object({
    /** Where the file dialog opens; null = the last layout's folder. */
    layouts: folder,
    /** Where session journals go; null = the app's data folder. */
    journals: folder,
  }),
  theme: z.enum(['system', 'light', 'dark']),
});

export type Settings = z.infer<typeof settingsSchema>;
export type TimeoutSettings = z.infer<typeof timeoutSettingsSchema>;

export const settingsPatchSchema = z.strictObject({
  timeouts: timeoutSettingsSchema.partial().strict().optional(),
  folders: settingsSchema.shape.folders.partial().strict().optional(),
  theme: settingsSchema.shape.theme.optional(),
});

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const SETTINGS_CHANNELS = {
  'settings.get': defineRequest(noArgs, settingsSchema, 'The saved settings (defaults filled in).'),
  'settings.update': defineRequest(settingsPatchSchema, settingsSchema, 'Changes and saves some settings.'),
} as const;

export const SETTINGS_EVENTS = {
  'settings.changed': defineEvent(settingsSchema, 'Settings were saved.'),
} as const;
