import type { SlotCard } from '../../../shared/domain/station.js';
import { stageWords, stateWords } from './station-format.js';

export interface SlotCardViewProps {
  card: SlotCard;
}

/** One slot, sized to be read from two metres: the state in big type, the bar, one sentence. */
export function SlotCardView({ card }: SlotCardViewProps) {
  return (
    <section
      className={`slot-card slot-${card.state}`}
      data-testid={`slot-${card.label}`}
      data-state={card.state}
      aria-label={`Slot ${card.label}: ${stateWords(card)}`}
    >
      <header className="slot-head">
        <span className="slot-label">{card.label}</span>
        <span className="slot-port">port {card.portPath}</span>
      </header>
      <div className="slot-state" data-testid={`slot-${card.label}-state`}>
        {stateWords(card)}
      </div>
      <SlotBody card={card} />
      {card.board?.serial ? <div className="slot-serial">SN {card.board.serial}</div> : null}
    </section>
  );
}

function SlotBody({ card }: SlotCardViewProps) {
  switch (card.state) {
    case 'empty':
      return <p className="slot-sentence">Put a board in this slot.</p>;
    case 'ready':
      return <p className="slot-sentence">Board in place.</p>;
    case 'flashing':
      return (
        <div className="slot-progress">
          <div
            className="slot-bar"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(card.percent)}
          >
            <div className="slot-bar-fill" style={{ width: `${card.percent}%` }} />
          </div>
          <div className="slot-stage">
            <span>{stageWords(card.stage, card.partition)}</span>
            <span className="slot-percent">{Math.round(card.percent)} %</span>
          </div>
        </div>
      );
    case 'pass':
      return <p className="slot-sentence">{card.result.sentence}</p>;
    case 'fail':
      return (
        <>
          <p className="slot-sentence" data-testid={`slot-${card.label}-sentence`}>
            {card.result.sentence}
          </p>
          {card.result.symptom ? (
            <code className="slot-symptom" data-testid={`slot-${card.label}-symptom`}>
              {card.result.symptom}
            </code>
          ) : null}
        </>
      );
    case 'refused':
      return <p className="slot-sentence">{card.sentence}</p>;
  }
}
