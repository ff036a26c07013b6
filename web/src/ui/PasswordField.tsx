// A password input with a button that shows what was typed. The button's name stays "Show
// password" and aria-pressed says whether it is shown, as the ARIA toggle-button pattern asks.
import { useState } from 'react'
import { Input, TextField as AriaTextField, ToggleButton } from 'react-aria-components'
import { useI18n } from '../i18n'
import { FieldHelp, FieldLabel, fieldClass } from './field'
import { Icon } from './Icon'
import type { TextFieldProps } from './TextField'

export type PasswordFieldProps = Omit<TextFieldProps, 'type'>

export function PasswordField({
  label,
  description,
  errorMessage,
  optional,
  className,
  placeholder,
  dir = 'ltr',
  inputRef,
  ...props
}: PasswordFieldProps) {
  const { t } = useI18n()
  const [shown, setShown] = useState(false)
  return (
    <AriaTextField
      {...props}
      type={shown ? 'text' : 'password'}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <div className="input-group">
        <Input ref={inputRef} placeholder={placeholder} dir={dir} />
        <ToggleButton
          className="input-button"
          aria-label={t('ui.showPassword')}
          isSelected={shown}
          onChange={setShown}
          isDisabled={props.isDisabled}
        >
          <Icon name={shown ? 'eyeOff' : 'eye'} />
        </ToggleButton>
      </div>
      <FieldHelp description={description} errorMessage={errorMessage} />
    </AriaTextField>
  )
}
