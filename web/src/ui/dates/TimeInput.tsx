// A time of day typed segment by segment: Persian digits in fa, 24-hour in both languages.
// The value is 'HH:mm', the form the API takes for a time (quiet hours, schedules).
import { parseTime, type Time } from '@internationalized/date'
import { DateInput, DateSegment, TimeField } from 'react-aria-components'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from '../field'
import { DateLocale } from './locale'
import './dates.css'

export interface TimeInputProps extends FieldProps {
  /** 'HH:mm', or null for none. Leave undefined to let the field keep its own. */
  value?: string | null
  defaultValue?: string | null
  onChange?: (value: string | null) => void
  isRequired?: boolean
  isDisabled?: boolean
  name?: string
}

function parse(value: string | null | undefined): Time | null {
  if (!value) return null
  try {
    return parseTime(value)
  } catch {
    return null
  }
}

/** 'HH:mm' of a time. */
export function timeString(time: Time): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`
}

export function TimeInput(props: TimeInputProps) {
  return (
    <DateLocale>
      <TimeInputField {...props} />
    </DateLocale>
  )
}

function TimeInputField({
  label,
  description,
  errorMessage,
  optional,
  className,
  value,
  defaultValue,
  onChange,
  ...props
}: TimeInputProps) {
  return (
    <TimeField<Time>
      {...props}
      value={value === undefined ? undefined : parse(value)}
      defaultValue={parse(defaultValue)}
      onChange={onChange && ((time) => onChange(time ? timeString(time) : null))}
      hourCycle={24}
      shouldForceLeadingZeros
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field date-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <div className="input-group date-group">
        {/* Left to right even in Persian: "۰۹:۳۰" is written like a number. */}
        <DateInput dir="ltr" className="date-input">
          {(segment) => <DateSegment segment={segment} className="date-segment" />}
        </DateInput>
      </div>
      <FieldHelp description={description} errorMessage={errorMessage} />
    </TimeField>
  )
}
