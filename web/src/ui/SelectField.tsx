// Choose one of a short list. A button that opens a listbox, so it looks the same on every
// browser and in dark mode, and keeps the page's direction in Persian.
import type { Ref } from 'react'
import { Button as AriaButton, ListBox, ListBoxItem, Popover, Select, SelectValue, type Key, type SelectProps } from 'react-aria-components'
import { useI18n } from '../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from './field'
import { Icon } from './Icon'

export interface Option {
  id: string
  label: string
  /** The option's own language, when it differs from the page's (a language's name). */
  lang?: string
}

export interface SelectFieldProps
  extends
    Omit<
      SelectProps<Option>,
      | 'children'
      | 'className'
      | 'isInvalid'
      | 'validationBehavior'
      | 'validate'
      | 'value'
      | 'defaultValue'
      | 'onChange'
      | 'selectionMode'
      | 'items'
    >,
    FieldProps {
  options: readonly Option[]
  value?: string | null
  defaultValue?: string | null
  onChange?: (value: string | null) => void
  /** The trigger button, which takes focus for the field. */
  inputRef?: Ref<HTMLButtonElement>
}

export function SelectField({
  label,
  description,
  errorMessage,
  optional,
  className,
  options,
  value,
  defaultValue,
  onChange,
  inputRef,
  placeholder,
  ...props
}: SelectFieldProps) {
  const { t } = useI18n()
  return (
    <Select
      {...props}
      value={value}
      defaultValue={defaultValue}
      onChange={onChange && ((key: Key | null) => onChange(key === null ? null : String(key)))}
      placeholder={placeholder ?? t('ui.choose')}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <AriaButton ref={inputRef} className="select-trigger">
        <SelectValue className="select-value" />
        <Icon name="chevronDown" size={18} />
      </AriaButton>
      <FieldHelp description={description} errorMessage={errorMessage} />
      <Popover className="popover" placement="bottom start">
        <ListBox className="listbox" items={options}>
          {(option) => (
            <ListBoxItem className="option" id={option.id} textValue={option.label} lang={option.lang}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  )
}
