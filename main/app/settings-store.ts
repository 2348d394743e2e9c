import path from 'node:path';
import {
  settingsSchema,
  type Settings,
  type SettingsPatch,
  type TimeoutSettings,
} from '../../shared/ipc/settings-channels.js';
import { DEFAULT_STAGE_TIMEOUTS, type StageTimeouts } from '../flash/stage-timeouts.js';
import type { AppEventHub } from './app-events.js';
import { readJsonFile, writeJsonFile } from './json-file.js';

export const SETTINGS_FILE_NAME = 'settings.json';

export function defaultSettings(): Settings {
  const t = DEFAULT_STAGE_TIMEOUTS;
  return {
    timeouts: {
      startSeconds: t.startMs / 1000,
      afterFsblSeconds: t.afterFsblMs / 1000,
      afterDdrFipSeconds: t.afterDdrFipMs / 1000,
      afterFipSeconds: t.afterFipMs / 1000,
      afterLayoutSeconds: t.afterLayoutMs / 1000,
    },
    folders: { layouts: null, journals: null },
    theme: 'system',
  };
}

/** Fills what a settings file lacks from the defaults, field group by field group. */
export function mergeSettings(base: Settings, patch: SettingsPatch | Record<string, unknown>): Settings {
  const p = patch as SettingsPatch;
  return {
    timeouts: { ...base.timeouts, ...(p.timeouts ?? {}) },
    folders: { ...base.folders, ...(p.folders ?? {}) },
    theme: p.theme ?? base.theme,
  };
}

export function stageTimeoutsOf(timeouts: TimeoutSettings): Partial<StageTimeouts> {
  const ms = (seconds: number): number => Math.round(seconds * 1000);
  return {
    startMs: ms(timeouts.startSeconds),
    afterFsblMs: ms(timeouts.afterFsblSeconds),
    afterDdrFipMs: ms(timeouts.afterDdrFipSeconds),
    afterFipMs: ms(timeouts.afterFipSeconds),
    afterLayoutMs: ms(timeouts.afterLayoutSeconds),
  };
}

/** Settings persisted as JSON in the user data folder; an unreadable or invalid file means defaults. */
export class SettingsStore {
  private constructor(
    readonly filePath: string,
    private current: Settings,
    private readonly events: AppEventHub,
  ) {}

  static async open(userDataDir: string, events: AppEventHub): Promise<SettingsStore> {
    const filePath = path.join(userDataDir, SETTINGS_FILE_NAME);
    const raw = await readJsonFile(filePath);
    let settings = defaultSettings();
    if (raw !== null && typeof raw === 'object') {
      const merged = settingsSchema.safeParse(mergeSettings(settings, raw));
      if (merged.success) settings = merged.data;
    }
    return new SettingsStore(filePath, settings, events);
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const next = settingsSchema.parse(mergeSettings(this.current, patch));
    await writeJsonFile(this.filePath, next);
    this.current = next;
    this.events.emit('settings.changed', this.get());
    return this.get();
  }
}
