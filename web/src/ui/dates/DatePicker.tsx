// One calendar day, typed segment by segment or picked from a month grid. In fa the segments
// and the grid are Solar Hijri with Persian digits; the value is always a Gregorian
// 'YYYY-MM-DD', the form the API takes for a date.
import { Button, DateInput, DatePicker as AriaDatePicker, DateSegment, Dialog, Group, Popover, type DateValue } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from '../field'
import { CalendarIcon } from './CalendarIcon'
import { DateLocale } from './locale'
import { PickerCalendar } from './PickerCalendar'
import { dayString, parseDay } from './range'
import './dates.css'

export interface DatePickerProps extends FieldProps {
  /** 'YYYY-MM-DD' (Gregorian), or null for none. Leave undefined to let the field keep its own. */
  value?: string | null
  defaultValue?: string | null
  onChange?: (value: string | null) => void
  /** Earliest and latest allowed days, 'YYYY-MM-DD'. */
  min?: string
  max?: string
  isRequired?: boolean
  isDisabled?: boolean
  name?: string
}

export function DatePicker(props: DatePickerProps) {
  return (
    <DateLocale>
      <DatePickerField {...props} />
    </DateLocale>
  )
}

function DatePickerField({
  label,
  description,
  errorMessage,
  optional,
  className,
  value,
  defaultValue,
  onChange,
  min,
  max,
  ...props
}: DatePickerProps) {
  const { t } = useI18n()
  return (
    <AriaDatePicker<DateValue>
      {...props}
      value={value === undefined ? undefined : parseDay(value)}
      defaultValue={parseDay(defaultValue)}
      onChange={onChange && ((picked) => onChange(picked ? dayString(picked) : null))}
      minValue={parseDay(min)}
      maxValue={parseDay(max)}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      shouldForceLeadingZeros
      className={fieldClass('field date-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <Group className="input-group date-group">
        {/* Left to right even in Persian: "۱۴۰۳/۰۱/۰۱" is written like a number. */}
        <DateInput dir="ltr" className="date-input">
          {(segment) => <DateSegment segment={segment} className="date-segment" />}
        </DateInput>
        <Button className="input-button" aria-label={t('dates.openCalendar')}>
          <CalendarIcon />
        </Button>
      </Group>
      <FieldHelp description={description} errorMessage={errorMessage} />
      <Popover className="popover date-popover" placement="bottom end">
        <Dialog className="date-dialog" aria-label={typeof label === 'string' ? label : t('dates.calendar')}>
          <PickerCalendar />
        </Dialog>
      </Popover>
    </AriaDatePicker>
  )
}
