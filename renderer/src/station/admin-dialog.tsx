import { useState, type FormEvent } from 'react';
import type { PinCheckResult } from '../../../shared/domain/station.js';
import { retryWords } from './station-format.js';

export type AdminAction = 'leave' | 'clear-counters';

export interface AdminDialogProps {
  /** Runs the action behind the PIN; an IPC failure comes back as a message. */
  onSubmit: (action: AdminAction, pin: string) => Promise<PinCheckResult | { error: string }>;
  onClose: () => void;
}

/** The only way out of operator mode: the admin PIN, rate-limited by the station's lock. */
export function AdminDialog({ onSubmit, onClose }: AdminDialogProps) {
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: AdminAction): Promise<void> => {
    if (pin === '' || busy) return;
    setBusy(true);
    const result = await onSubmit(action, pin);
    setBusy(false);
    setPin('');
    if ('error' in result) setMessage(result.error);
    else if (!result.ok) setMessage(retryWords(result.retryAfterMs));
    else if (action === 'clear-counters') onClose();
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void run('leave');
  };

  return (
    <div className="admin-backdrop">
      <form
        className="admin-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="admin-title"
        onSubmit={submit}
      >
        <h2 id="admin-title">Admin</h2>
        <label htmlFor="admin-pin">Admin PIN</label>
        <input
          id="admin-pin"
          data-testid="admin-pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          value={pin}
          onChange={(event) => setPin(event.target.value)}
        />
        {message ? (
          <p className="admin-message" role="alert" data-testid="admin-message">
            {message}
          </p>
        ) : null}
        <div className="admin-actions">
          <button type="submit" className="btn btn-primary" data-testid="admin-leave" disabled={busy}>
            Leave operator mode
          </button>
          <button
            type="button"
            className="btn"
            data-testid="admin-clear"
            disabled={busy}
            onClick={() => void run('clear-counters')}
          >
            Clear counters
          </button>
          <button type="button" className="btn btn-ghost" data-testid="admin-cancel" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
