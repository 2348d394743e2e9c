import type { VmAdvice } from '../../../shared/ipc/host-channels.js';
import { CommandBlock } from '../app/copy-button.js';

const WHERE: Record<VmAdvice['steps'][number]['where'], string> = {
  host: 'On the host',
  'host-admin': 'On the host, as administrator',
  'vm-config': "In the VM's settings",
  guest: 'In this VM',
};

export function VmAdviceBlock({ advice }: { advice: VmAdvice }) {
  return (
    <div className="vm-advice">
      <p>{advice.summary}</p>
      {advice.steps.length > 0 ? (
        <ol>
          {advice.steps.map((step, index) => (
            <li key={index}>
              <span className="sub">{WHERE[step.where]}:</span> {step.text}
              {step.command ? <CommandBlock command={step.command} /> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {advice.caveats.length > 0 ? (
        <ul className="caveats">
          {advice.caveats.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
