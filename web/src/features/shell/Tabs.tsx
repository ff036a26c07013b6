// ARIA tabs (tablist, tab, tabpanel): arrow keys move between tabs and select them (reversed
// in right-to-left pages), Home/End jump to the ends; only the selected tab is in the Tab order.
import { useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabItem<T extends string> {
  id: T
  label: ReactNode
  /** Accessible name when the label is not plain text. */ name?: string
}

export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  idPrefix,
  children,
}: {
  label: string
  tabs: TabItem<T>[]
  selected: T
  onSelect: (id: T) => void
  /** Unique per page: ids of the tabs and the panel are made from it. */
  idPrefix: string
  children: ReactNode
}) {
  const list = useRef<HTMLDivElement>(null)

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const index = tabs.findIndex((tab) => tab.id === selected)
    const rtl = list.current ? getComputedStyle(list.current).direction === 'rtl' : false
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key as 'ArrowRight' | 'ArrowLeft']
    let next: number | undefined
    if (step) next = (index + step + tabs.length) % tabs.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = tabs.length - 1
    if (next === undefined) return
    event.preventDefault()
    onSelect(tabs[next].id)
    list.current?.querySelector<HTMLButtonElement>(`#${CSS.escape(`${idPrefix}-tab-${tabs[next].id}`)}`)?.focus()
  }

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} ref={list} className="tablist">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${tab.id}`}
            aria-controls={`${idPrefix}-panel`}
            aria-selected={tab.id === selected}
            tabIndex={tab.id === selected ? 0 : -1}
            aria-label={tab.name}
            onClick={() => onSelect(tab.id)}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${selected}`} className="tabpanel">
        {children}
      </div>
    </div>
  )
}
