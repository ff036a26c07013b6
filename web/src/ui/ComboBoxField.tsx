// Choose one of a long list by typing part of it (time zones, countries, users).
import type { Ref } from 'react'
import { Button as AriaButton, ComboBox, Input, ListBox, ListBoxItem, Popover, type ComboBoxProps, type Key } from 'react-aria-components'
import { useI18n } from '../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from './field'
import { Icon } from './Icon'
import type { Option } from './SelectField'

export interface ComboBoxFieldProps
  extends
    Omit<
      ComboBoxProps<Option>,
      | 'children'
      | 'className'
      | 'isInvalid'
      | 'validationBehavior'
      | 'validate'
      | 'value'
      | 'defaultValue'
      | 'onChange'
      | 'items'
      | 'defaultItems'
      | 'selectedKey'
      | 'defaultSelectedKey'
      | 'onSelectionChange'
      | 'dir'
    >,
    FieldProps {
  options: readonly Option[]
  /** The chosen option's id. */
  value?: string | null
  defaultValue?: string | null
  onChange?: (value: string | null) => void
  placeholder?: string
  dir?: 'ltr' | 'rtl' | 'auto'
  inputRef?: Ref<HTMLInputElement>
}

export function ComboBoxField({
  label,
  description,
  errorMessage,
  optional,
  className,
  options,
  value,
  defaultValue,
  onChange,
  placeholder,
  dir,
  inputRef,
  ...props
}: ComboBoxFieldProps) {
  const { t } = useI18n()
  return (
    <ComboBox
      {...props}
      defaultItems={options}
      selectedKey={value}
      defaultSelectedKey={defaultValue}
      onSelectionChange={onChange && ((key: Key | null) => onChange(key === null ? null : String(key)))}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <div className="input-group">
        <Input ref={inputRef} placeholder={placeholder} dir={dir} />
        <AriaButton className="input-button" aria-label={t('ui.showOptions')}>
          <Icon name="chevronDown" size={18} />
        </AriaButton>
      </div>
      <FieldHelp description={description} errorMessage={errorMessage} />
      <Popover className="popover" placement="bottom start">
        <ListBox className="listbox" renderEmptyState={() => <p className="listbox-empty">{t('ui.noOptions')}</p>}>
          {(option: Option) => (
            <ListBoxItem className="option" id={option.id} textValue={option.label} lang={option.lang}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  )
}
