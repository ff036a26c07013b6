// A span of calendar days, both ends included: two segmented inputs and a range calendar. In fa
// Solar Hijri with Persian digits; the value is Gregorian 'YYYY-MM-DD' days (see DateRangeFilter
// for instants in the viewer's time zone).
import {
  Button,
  DateInput,
  DateRangePicker as AriaDateRangePicker,
  DateSegment,
  Dialog,
  Group,
  Popover,
  type DateValue,
} from 'react-aria-components'
import { useI18n } from '../../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from '../field'
import { CalendarIcon } from './CalendarIcon'
import { DateLocale } from './locale'
import { PickerRangeCalendar } from './PickerCalendar'
import { dayString, parseDay, type DayRange } from './range'
import './dates.css'

export interface DateRangePickerProps extends FieldProps {
  /** Gregorian days, or null for none. Leave undefined to let the field keep its own. */
  value?: DayRange | null
  onChange?: (value: DayRange | null) => void
  min?: string
  max?: string
  isRequired?: boolean
  isDisabled?: boolean
}

export function DateRangePicker(props: DateRangePickerProps) {
  return (
    <DateLocale>
      <DateRangePickerField {...props} />
    </DateLocale>
  )
}

function toPickerRange(range: DayRange | null) {
  const start = parseDay(range?.start)
  const end = parseDay(range?.end)
  return start && end ? { start, end } : null
}

function DateRangePickerField({
  label,
  description,
  errorMessage,
  optional,
  className,
  value,
  onChange,
  min,
  max,
  ...props
}: DateRangePickerProps) {
  const { t } = useI18n()
  return (
    <AriaDateRangePicker<DateValue>
      {...props}
      value={value === undefined ? undefined : toPickerRange(value)}
      onChange={onChange && ((picked) => onChange(picked ? { start: dayString(picked.start), end: dayString(picked.end) } : null))}
      minValue={parseDay(min)}
      maxValue={parseDay(max)}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      shouldForceLeadingZeros
      className={fieldClass('field date-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <Group className="input-group date-group">
        {/* Start on the reading side; each date left to right even in Persian ("۱۴۰۳/۰۱/۰۱"). */}
        <div className="date-range-inputs">
          <DateInput slot="start" dir="ltr" className="date-input">
            {(segment) => <DateSegment segment={segment} className="date-segment" />}
          </DateInput>
          <span aria-hidden="true" className="date-range-dash">
            –
          </span>
          <DateInput slot="end" dir="ltr" className="date-input">
            {(segment) => <DateSegment segment={segment} className="date-segment" />}
          </DateInput>
        </div>
        <Button className="input-button" aria-label={t('dates.openCalendar')}>
          <CalendarIcon />
        </Button>
      </Group>
      <FieldHelp description={description} errorMessage={errorMessage} />
      <Popover className="popover date-popover" placement="bottom end">
        <Dialog className="date-dialog" aria-label={typeof label === 'string' ? label : t('dates.calendar')}>
          <PickerRangeCalendar />
        </Dialog>
      </Popover>
    </AriaDateRangePicker>
  )
}
