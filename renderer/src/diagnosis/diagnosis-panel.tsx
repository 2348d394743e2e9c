import type { Diagnosis, RankedCause } from '../../../shared/domain/diagnosis.js';
import { SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { VmAdvice } from '../../../shared/ipc/host-channels.js';
import { Panel } from '../app/panel.js';
import { VmAdviceBlock } from '../preflight/vm-advice-block.js';

export interface DiagnosisPanelProps {
  diagnosis: Diagnosis;
  vmAdvice: VmAdvice | null;
}

const LIKELIHOOD: Record<RankedCause['likelihood'], string> = {
  high: 'most likely',
  medium: 'possible',
  low: 'less likely',
};

export function DiagnosisPanel({ diagnosis, vmAdvice }: DiagnosisPanelProps) {
  const symptom = SYMPTOMS[diagnosis.symptom];
  return (
    <Panel title="Diagnosis" id="diagnosis" className="panel-diagnosis">
      <div className="symptom" data-testid="diagnosis-symptom">
        <span className="symptom-icon" aria-hidden="true">
          ✕
        </span>
        <div>
          <p className="symptom-title">{symptom.title}</p>
          <p className="symptom-summary">{diagnosis.summary}</p>
          {diagnosis.deviceText ? (
            <p className="sub">
              The board said: <code>{diagnosis.deviceText}</code>
              {diagnosis.layoutLine !== null ? ` (layout line ${diagnosis.layoutLine})` : ''}
            </p>
          ) : null}
          <p className="sub">
            Symptom <code>{diagnosis.symptom}</code>
            {diagnosis.variant ? (
              <>
                {' '}
                after <code>{diagnosis.variant}</code>
              </>
            ) : null}
            {diagnosis.partition ? ` · partition ${diagnosis.partition.name}` : ''}
          </p>
        </div>
      </div>
      <h3 className="causes-title">Why, most likely first</h3>
      <ol className="causes" data-testid="diagnosis-causes">
        {diagnosis.causes.map((cause, index) => (
          <li key={cause.id} className={`cause cause-${cause.likelihood}`}>
            <details open={index === 0}>
              <summary>
                <span className="cause-rank">{index + 1}</span>
                <span className="cause-title">{cause.title}</span>
                <span className={`pill pill-${cause.likelihood}`}>{LIKELIHOOD[cause.likelihood]}</span>
              </summary>
              <div className="cause-body">
                {cause.evidence.length > 0 ? (
                  <>
                    <h4>What this session showed</h4>
                    <ul>
                      {cause.evidence.map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <h4>What to check</h4>
                <ol>
                  {cause.checks.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ol>
                {cause.id === 'vm-usb-filter' && vmAdvice ? <VmAdviceBlock advice={vmAdvice} /> : null}
              </div>
            </details>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
