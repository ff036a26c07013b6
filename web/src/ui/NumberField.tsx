// A number input that shows and reads the page's digits (Persian digits in Persian, typed or
// pasted Latin digits are understood too), with − and + buttons. Empty is NaN.
import type { Ref } from 'react'
import {
  Button as AriaButton,
  Group,
  Input,
  NumberField as AriaNumberField,
  type NumberFieldProps as AriaNumberFieldProps,
} from 'react-aria-components'
import { useI18n } from '../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from './field'
import { Icon } from './Icon'

export interface NumberFieldProps
  extends Omit<AriaNumberFieldProps, 'children' | 'className' | 'isInvalid' | 'validationBehavior' | 'validate'>, FieldProps {
  placeholder?: string
  inputRef?: Ref<HTMLInputElement>
}

export function NumberField({ label, description, errorMessage, optional, className, placeholder, inputRef, ...props }: NumberFieldProps) {
  const { t } = useI18n()
  return (
    <AriaNumberField
      {...props}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field number-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <Group className="input-group">
        <AriaButton slot="decrement" className="input-button" aria-label={t('ui.decrease')}>
          <Icon name="minus" size={18} />
        </AriaButton>
        <Input ref={inputRef} placeholder={placeholder} />
        <AriaButton slot="increment" className="input-button" aria-label={t('ui.increase')}>
          <Icon name="plus" size={18} />
        </AriaButton>
      </Group>
      <FieldHelp description={description} errorMessage={errorMessage} />
    </AriaNumberField>
  )
}
