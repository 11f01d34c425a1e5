import type { ReactNode } from 'react';
import { routeHref } from '../model/route';

/** What is missing and what to do next. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A slot page opened for a slot this agent does not have. */
export function SlotNotFound() {
  return (
    <section className="page">
      <EmptyState title="This slot is not on this host">
        <p>It may have been removed, or the link is from another agent.</p>
        <a className="button" href={routeHref({ view: 'slots' })}>
          Back to the slots
        </a>
      </EmptyState>
    </section>
  );
}
