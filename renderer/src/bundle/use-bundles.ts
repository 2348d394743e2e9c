import { useCallback, useMemo, useState } from 'react';
import type { IpcClient } from '../../../shared/ipc/ipc-client.js';
import type { IpcError } from '../../../shared/ipc/ipc-result.js';
import type { BundleView, SessionExported } from '../../../shared/ipc/session-channels.js';

export interface BundleState {
  /** The bundle shown read-only instead of the live view, or null. */
  open: BundleView | null;
  opening: boolean;
  openError: IpcError | null;
  exporting: boolean;
  exported: SessionExported | null;
  exportError: IpcError | null;
}

export interface BundleActions {
  openBundle: (path: string) => Promise<void>;
  pickBundle: () => Promise<void>;
  closeBundle: () => void;
  exportSession: (redact: boolean) => Promise<void>;
}

const initial: BundleState = {
  open: null,
  opening: false,
  openError: null,
  exporting: false,
  exported: null,
  exportError: null,
};

/** Export of the latest session and the bundle being viewed; kept apart from the live app state. */
export function useBundles(client: IpcClient): { bundles: BundleState; bundleActions: BundleActions } {
  const [state, setState] = useState<BundleState>(initial);

  const openBundle = useCallback(
    async (path: string) => {
      const trimmed = path.trim();
      if (!trimmed) return;
      setState((s) => ({ ...s, opening: true, openError: null }));
      const opened = await client.invoke('session.openBundle', { path: trimmed });
      setState((s) =>
        opened.ok
          ? { ...s, opening: false, open: opened.value }
          : { ...s, opening: false, openError: opened.error },
      );
      if (opened.ok) window.scrollTo(0, 0);
    },
    [client],
  );

  const bundleActions = useMemo<BundleActions>(
    () => ({
      openBundle,
      async pickBundle() {
        const picked = await client.invoke('session.pickBundle', {});
        if (!picked.ok) setState((s) => ({ ...s, openError: picked.error }));
        else if (picked.value.path) await openBundle(picked.value.path);
      },
      closeBundle() {
        setState((s) => ({ ...s, open: null }));
      },
      async exportSession(redact) {
        setState((s) => ({ ...s, exporting: true, exported: null, exportError: null }));
        const exported = await client.invoke('session.export', { redact });
        setState((s) =>
          exported.ok
            ? { ...s, exporting: false, exported: exported.value.path ? exported.value : null }
            : { ...s, exporting: false, exportError: exported.error },
        );
      },
    }),
    [client, openBundle],
  );

  return { bundles: state, bundleActions };
}
