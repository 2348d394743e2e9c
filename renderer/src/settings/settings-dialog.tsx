import { useEffect, useRef, useState } from 'react';
import type { Settings, SettingsPatch, TimeoutSettings } from '../../../shared/ipc/settings-channels.js';

export interface SettingsDialogProps {
  settings: Settings;
  onSave: (patch: SettingsPatch) => Promise<boolean>;
  onClose: () => void;
}

const TIMEOUT_FIELDS: { key: keyof TimeoutSettings; label: string; help: string }[] = [
  { key: 'startSeconds', label: 'Board appears', help: 'Finding the board when the flash starts.' },
  {
    key: 'afterFsblSeconds',
    label: 'TF-A after the FSBL',
    help: 'MP13 / MP25: ROM → TF-A re-enumeration (< 1 s normally).',
  },
  {
    key: 'afterDdrFipSeconds',
    label: 'TF-A after the DDR FIP',
    help: 'MP25: DDR init, then TF-A comes back.',
  },
  {
    key: 'afterFipSeconds',
    label: 'U-Boot after TF-A',
    help: 'TF-A detached → U-Boot enumerates (~3 s normally).',
  },
  {
    key: 'afterLayoutSeconds',
    label: "U-Boot's 2nd enumeration",
    help: 'Device init; grows with the erase work the layout asks for.',
  },
];

export function SettingsDialog({ settings, onSave, onClose }: SettingsDialogProps) {
  const [draft, setDraft] = useState<Settings>(settings);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const setTimeout = (key: keyof TimeoutSettings, value: string): void =>
    setDraft((d) => ({ ...d, timeouts: { ...d.timeouts, [key]: Number(value) } }));
  const invalid = TIMEOUT_FIELDS.some(
    ({ key }) => !(draft.timeouts[key] >= 1 && draft.timeouts[key] <= 3600),
  );

  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        onClick={(e) => e.stopPropagation()}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaving(true);
            void onSave({
              timeouts: draft.timeouts,
              folders: { layouts: draft.folders.layouts || null, journals: draft.folders.journals || null },
              theme: draft.theme,
            }).then((ok) => {
              setSaving(false);
              if (ok) onClose();
            });
          }}
        >
          <h2 id="settings-title">Settings</h2>
          <fieldset>
            <legend>Re-enumeration timeouts (seconds)</legend>
            {TIMEOUT_FIELDS.map(({ key, label, help }, index) => (
              <label key={key} className="field">
                <span className="field-label">{label}</span>
                <input
                  ref={index === 0 ? first : undefined}
                  className="input num"
                  type="number"
                  min={1}
                  max={3600}
                  step={1}
                  value={draft.timeouts[key]}
                  onChange={(e) => setTimeout(key, e.target.value)}
                  data-testid={`timeout-${key}`}
                />
                <span className="field-help">{help}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Folders</legend>
            <label className="field">
              <span className="field-label">Layouts</span>
              <input
                className="input mono"
                type="text"
                placeholder="the last layout's folder"
                value={draft.folders.layouts ?? ''}
                onChange={(e) =>
                  setDraft((d) => ({ ...d, folders: { ...d.folders, layouts: e.target.value } }))
                }
              />
            </label>
            <label className="field">
              <span className="field-label">Session journals</span>
              <input
                className="input mono"
                type="text"
                placeholder="the app's data folder"
                value={draft.folders.journals ?? ''}
                onChange={(e) =>
                  setDraft((d) => ({ ...d, folders: { ...d.folders, journals: e.target.value } }))
                }
              />
            </label>
          </fieldset>
          <fieldset>
            <legend>Appearance</legend>
            <label className="field">
              <span className="field-label">Theme</span>
              <select
                className="input"
                value={draft.theme}
                onChange={(e) => setDraft((d) => ({ ...d, theme: e.target.value as Settings['theme'] }))}
              >
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </label>
          </fieldset>
          <div className="dialog-actions">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={saving || invalid}
              data-testid="settings-save"
            >
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
