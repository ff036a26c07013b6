// A team's business hours: its time zone, each weekday on or off with one or more intervals (in
// the week order of the page's language: Saturday first in Persian), and its holidays (picked in
// the Solar Hijri calendar in Persian). The server checks the week (an end after its start,
// intervals in order); its field errors land on the very input.
import { useState } from 'react'
import { Controller, useFieldArray, useWatch } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import { Button, Switch, type ServerForm } from '../../../ui'
import { DatePicker, TimeInput, TimeZonePicker } from '../../../ui/dates'
import { formatDay, intlLocale } from './format'
import { firstDayOfWeek, MAX_INTERVALS, nextInterval, weekdayName, weekOrder, type Interval, type ScheduleValues } from './schedule'

/** The team form's values (the schedule is edited here, the rest in TeamEditor). */
export interface TeamValues {
  name: string
  email: string
  memberIds: string[]
  schedule: ScheduleValues
}

type Form = ServerForm<TeamValues>

export function ScheduleEditor({ form }: { form: Form }) {
  const { t, locale } = useI18n()
  const order = weekOrder(firstDayOfWeek(locale))
  return (
    <fieldset className="card form wide sadmin-schedule">
      <legend>{t('sadmin.hours')}</legend>
      <p className="hint">{t('sadmin.hoursHint')}</p>
      <Controller
        control={form.control}
        name="schedule.timezone"
        rules={{ validate: (zone) => Boolean(zone) || t('ui.required') }}
        render={({ field, fieldState }) => (
          <div ref={(element) => field.ref(element && { focus: () => element.querySelector<HTMLElement>('input')?.focus() })}>
            <TimeZonePicker
              name={field.name}
              label={t('sadmin.timezone')}
              value={field.value || null}
              onChange={field.onChange}
              isRequired
              errorMessage={fieldState.error?.message}
              className="sadmin-timezone"
            />
          </div>
        )}
      />
      <ul className="sadmin-days" aria-label={t('sadmin.week')}>
        {order.map((day) => (
          <DayHours key={day} form={form} day={day} />
        ))}
      </ul>
      <p className="hint">{t('sadmin.midnightHint')}</p>
      <Holidays form={form} />
    </fieldset>
  )
}

function DayHours({ form, day }: { form: Form; day: number }) {
  const { t, locale, formatNumber } = useI18n()
  const name = weekdayName(day, intlLocale(locale))
  const intervals = useFieldArray({ control: form.control, name: `schedule.week.${day}` })
  const current = useWatch({ control: form.control, name: `schedule.week.${day}` }) as Interval[] | undefined
  const open = intervals.fields.length > 0
  return (
    <li className="sadmin-day">
      <Switch
        label={name}
        className="sadmin-day-switch"
        isSelected={open}
        description={open ? undefined : t('sadmin.dayOff')}
        onChange={(on) => (on ? intervals.append(nextInterval([])) : intervals.remove())}
      />
      {open && (
        <div className="sadmin-intervals">
          {intervals.fields.map((interval, i) => {
            const n = formatNumber(i + 1)
            return (
              <div key={interval.id} role="group" aria-label={t('sadmin.intervalNamed', { day: name, n })} className="sadmin-interval">
                <TimeController form={form} name={`schedule.week.${day}.${i}.start`} label={t('sadmin.from')} />
                <TimeController form={form} name={`schedule.week.${day}.${i}.end`} label={t('sadmin.until')} />
                {intervals.fields.length > 1 && (
                  <Button
                    variant="quiet"
                    size="small"
                    className="sadmin-remove-interval"
                    aria-label={t('sadmin.removeHoursNamed', { day: name, n })}
                    onPress={() => intervals.remove(i)}
                  >
                    {t('sadmin.remove')}
                  </Button>
                )}
              </div>
            )
          })}
          {intervals.fields.length < MAX_INTERVALS && (
            <div>
              <Button
                variant="secondary"
                size="small"
                aria-label={t('sadmin.addHoursNamed', { day: name })}
                onPress={() => intervals.append(nextInterval(current ?? []))}
              >
                {t('sadmin.addHours')}
              </Button>
            </div>
          )}
        </div>
      )}
    </li>
  )
}

function TimeController({
  form,
  name,
  label,
}: {
  form: Form
  name: `schedule.week.${number}.${number}.${'start' | 'end'}`
  label: string
}) {
  const { t } = useI18n()
  return (
    <Controller
      control={form.control}
      name={name}
      rules={{ validate: (value) => Boolean(value) || t('ui.required') }}
      render={({ field, fieldState }) => (
        // The form focuses a field in error through its ref: here, the time's first segment.
        <div ref={(element) => field.ref(element && { focus: () => element.querySelector<HTMLElement>('[role="spinbutton"]')?.focus() })}>
          <TimeInput
            name={field.name}
            label={label}
            value={field.value || null}
            onChange={(value) => field.onChange(value ?? '')}
            isRequired
            errorMessage={fieldState.error?.message}
          />
        </div>
      )}
    />
  )
}

function Holidays({ form }: { form: Form }) {
  const { t, locale } = useI18n()
  const [picked, setPicked] = useState<string | null>(null)
  return (
    <Controller
      control={form.control}
      name="schedule.holidays"
      render={({ field }) => {
        const days = field.value
        // The server names a bad date by its place (schedule.holidays.3): shown beside that date.
        const errors = form.formState.errors.schedule?.holidays
        const errorAt = (i: number) => (Array.isArray(errors) ? (errors[i] as { message?: string } | undefined)?.message : undefined)
        const add = () => {
          if (!picked) return
          field.onChange([...new Set([...days, picked])].sort())
          setPicked(null)
        }
        return (
          <fieldset className="sadmin-holidays">
            <legend>{t('sadmin.holidays')}</legend>
            <p className="hint">{t('sadmin.holidaysHint')}</p>
            {days.length === 0 ? (
              <p className="muted">{t('sadmin.noHolidays')}</p>
            ) : (
              <ul className="plain-list sadmin-holiday-list">
                {days.map((day, i) => {
                  const date = formatDay(day, locale)
                  return (
                    <li key={day}>
                      <span>
                        {date}
                        {errorAt(i) && <span className="field-error secondary-line">{errorAt(i)}</span>}
                      </span>
                      <Button
                        variant="quiet"
                        size="small"
                        aria-label={t('sadmin.removeHolidayNamed', { date })}
                        onPress={() => field.onChange(days.filter((d) => d !== day))}
                      >
                        {t('sadmin.remove')}
                      </Button>
                    </li>
                  )
                })}
              </ul>
            )}
            <div className="toolbar align-end sadmin-holiday-add">
              <DatePicker label={t('sadmin.holidayToAdd')} value={picked} onChange={setPicked} />
              <Button variant="secondary" isDisabled={!picked} onPress={add}>
                {t('sadmin.addHoliday')}
              </Button>
            </div>
          </fieldset>
        )
      }}
    />
  )
}
