// Choose a time zone by typing part of a city, a country or a zone name, in either language:
// "teh", "تهران", "iran", "Germany", "+03:30". Each option says its offset now.
import { useEffect, useMemo, useState } from 'react'
import { Button, ComboBox, Input, ListBox, ListBoxItem, Popover, Text, type Key } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from '../field'
import { Icon } from '../Icon'
import { cachedTimeZoneOptions, matchesTimeZone, timeZoneOption, timeZoneOptions, type TimeZoneOption } from './zones'
import './dates.css'

export interface TimeZonePickerProps extends FieldProps {
  /** An IANA id such as 'Asia/Tehran'. */
  value: string | null
  onChange: (value: string) => void
  isRequired?: boolean
  isDisabled?: boolean
  name?: string
}

/**
 * The full list takes Intl a moment to build (once per language), so until it is there (just
 * after mounting, or at once on focus) the picker holds only the chosen zone.
 */
function useTimeZoneList() {
  const { locale } = useI18n()
  const [built, setBuilt] = useState(() => ({ locale, list: cachedTimeZoneOptions(locale) }))
  const list = built.locale === locale ? built.list : cachedTimeZoneOptions(locale)
  const build = () => {
    if (!list) setBuilt({ locale, list: timeZoneOptions(locale) })
  }
  useEffect(() => {
    if (list) return
    const timer = setTimeout(() => setBuilt({ locale, list: timeZoneOptions(locale) }), 0)
    return () => clearTimeout(timer)
  }, [list, locale])
  return { locale, list, build }
}

export function TimeZonePicker({ label, description, errorMessage, optional, className, value, onChange, ...props }: TimeZonePickerProps) {
  const { t } = useI18n()
  const { locale, list, build } = useTimeZoneList()
  // A saved zone the browser lists under another name (an alias) is shown as it is.
  const items = useMemo(() => {
    if (list) return value && !list.some((o) => o.id === value) ? [timeZoneOption(value, locale), ...list] : list
    return value ? [timeZoneOption(value, locale)] : []
  }, [list, value, locale])
  const searchOf = useMemo(() => {
    const byLabel = new Map<string, string>()
    for (const o of items) byLabel.set(o.label, `${byLabel.get(o.label) ?? ''} ${o.search}`)
    return byLabel
  }, [items])

  return (
    <ComboBox
      {...props}
      defaultItems={items}
      selectedKey={value}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key))}
      defaultFilter={(textValue, input) => matchesTimeZone(searchOf.get(textValue) ?? textValue, input)}
      onFocus={build}
      allowsEmptyCollection
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field tz-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <div className="input-group">
        <Input placeholder={t('dates.timeZoneSearch')} />
        <Button className="input-button" aria-label={t('ui.showOptions')} onPress={build}>
          <Icon name="chevronDown" size={18} />
        </Button>
      </div>
      <FieldHelp description={description} errorMessage={errorMessage} />
      <Popover className="popover tz-popover" placement="bottom start">
        <ListBox<TimeZoneOption> className="listbox" renderEmptyState={() => <p className="listbox-empty">{t('dates.noTimeZone')}</p>}>
          {(option) => (
            <ListBoxItem id={option.id} textValue={option.label} className="option tz-option">
              <Text slot="label">{option.label}</Text>
              {option.name && (
                <Text slot="description" className="tz-name">
                  {option.name}
                </Text>
              )}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  )
}
