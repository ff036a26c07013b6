// A card of labelled facts (a <dl class="facts">) under its own heading: the summary at the top of
// a console detail page. Each fact is [label, value]; the label is its key, so labels are unique.
import type { ReactNode } from 'react'

export type Fact = readonly [label: string, value: ReactNode]

export function FactsCard({ id, title, facts }: { id: string; title: string; facts: Fact[] }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
