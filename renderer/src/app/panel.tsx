import type { ReactNode } from 'react';

export interface PanelProps {
  title: string;
  /** Right side of the title bar (counts, buttons). */
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}

export function Panel({ title, aside, children, className, id }: PanelProps) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`panel ${className ?? ''}`} id={id} aria-labelledby={headingId}>
      <header className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {aside ? <div className="panel-aside">{aside}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
