import type { VmAdvice } from '../../../shared/ipc/host-channels.js';
import { CommandBlock } from '../app/copy-button.js';
import type { PreflightItem } from './preflight-items.js';
import { VmAdviceBlock } from './vm-advice-block.js';

export interface PreflightPanelProps {
  items: PreflightItem[];
  vmAdvice: VmAdvice | null;
  onRecheck: () => void;
}

export function PreflightPanel({ items, vmAdvice, onRecheck }: PreflightPanelProps) {
  if (items.length === 0) return null;
  return (
    <section className="preflight" aria-labelledby="preflight-title" data-testid="preflight">
      <header className="preflight-head">
        <h2 id="preflight-title">Before you flash</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={onRecheck}>
          Check again
        </button>
      </header>
      <ul>
        {items.map((item) => (
          <li
            key={item.kind}
            className={`callout callout-${item.level}`}
            data-testid={`preflight-${item.kind}`}
          >
            <details open={item.level === 'error' || item.kind === 'usb'}>
              <summary>
                <strong>{item.title}</strong>
              </summary>
              <p>{item.text}</p>
              {item.kind === 'usb' && item.command ? <CommandBlock command={item.command} /> : null}
              {item.kind === 'usb' && item.explanation ? <p className="sub">{item.explanation}</p> : null}
              {item.kind === 'vm' && vmAdvice ? <VmAdviceBlock advice={vmAdvice} /> : null}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
