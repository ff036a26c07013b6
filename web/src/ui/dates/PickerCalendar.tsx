// The month grid inside a picker's popover: previous / month and year / next, then the days.
// Arrow keys move by day, Page Up/Down by month (React Aria); in fa the months are Solar Hijri.
import { Button, Calendar, CalendarCell, CalendarGrid, Heading, RangeCalendar } from 'react-aria-components'
import { useI18n } from '../../i18n'

function Header() {
  const { t } = useI18n()
  // The chevrons point along the reading direction, so they flip in Persian.
  return (
    <header className="date-calendar-header">
      <Button slot="previous" className="date-nav" aria-label={t('dates.previousMonth')}>
        <Chevron />
      </Button>
      <Heading className="date-calendar-heading" />
      <Button slot="next" className="date-nav date-nav-next" aria-label={t('dates.nextMonth')}>
        <Chevron />
      </Button>
    </header>
  )
}

function Chevron() {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      width={18}
      height={18}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M15 6l-6 6 6 6" />
    </svg>
  )
}

function Grid() {
  return <CalendarGrid className="date-grid">{(date) => <CalendarCell date={date} className="date-cell" />}</CalendarGrid>
}

export function PickerCalendar() {
  return (
    <Calendar className="date-calendar date-calendar-single">
      <Header />
      <Grid />
    </Calendar>
  )
}

export function PickerRangeCalendar() {
  return (
    <RangeCalendar className="date-calendar date-calendar-range">
      <Header />
      <Grid />
    </RangeCalendar>
  )
}
