import type { AppInfo } from '../../../shared/ipc/app-channels.js';
import type { HostView } from '../../../shared/ipc/host-channels.js';
import type { Theme } from '../settings/theme.js';

export interface AppHeaderProps {
  info: AppInfo | null;
  host: HostView | null;
  theme: Theme;
  onToggleTheme: () => void;
  onOpenSettings: () => void;
}

export function AppHeader({ info, host, theme, onToggleTheme, onOpenSettings }: AppHeaderProps) {
  const usb = host?.usbAdvice.status;
  return (
    <header className="app-header">
      <div className="brand">
        <img src="./icon.svg" alt="" width={26} height={26} />
        <span className="brand-name">STM32MP Flash Station</span>
        {info?.simulate ? <span className="pill pill-sim">simulated boards</span> : null}
        {info?.mode === 'web' ? <span className="pill">web mode</span> : null}
      </div>
      <div className="header-status" aria-label="Host status">
        {host ? (
          <>
            <span
              className={`status-chip ${usb === 'ok' ? 'chip-ok' : usb === 'action-needed' ? 'chip-error' : 'chip-warn'}`}
            >
              USB {usb === 'ok' ? 'ready' : usb === 'action-needed' ? 'needs setup' : 'unchecked'}
            </span>
            {host.facts.vm.detected ? (
              <span className="status-chip chip-warn">VM: {host.facts.vm.kind ?? 'unknown'}</span>
            ) : null}
            <span className="sub">
              {host.facts.osRelease} · v{info?.appVersion ?? '?'}
            </span>
          </>
        ) : null}
        <button
          type="button"
          className="btn btn-icon"
          onClick={onToggleTheme}
          aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          data-testid="theme-toggle"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onOpenSettings} data-testid="open-settings">
          Settings
        </button>
      </div>
    </header>
  );
}
