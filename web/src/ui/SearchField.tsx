// A search box: Escape or the clear button empties it, Enter calls onSubmit.
import type { Ref } from 'react'
import {
  Button as AriaButton,
  Input,
  SearchField as AriaSearchField,
  type SearchFieldProps as AriaSearchFieldProps,
} from 'react-aria-components'
import { useI18n } from '../i18n'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from './field'
import { Icon } from './Icon'

export interface SearchFieldProps
  extends Omit<AriaSearchFieldProps, 'children' | 'className' | 'isInvalid' | 'validationBehavior' | 'validate' | 'dir'>, FieldProps {
  placeholder?: string
  dir?: 'ltr' | 'rtl' | 'auto'
  inputRef?: Ref<HTMLInputElement>
}

export function SearchField({
  label,
  description,
  errorMessage,
  optional,
  className,
  placeholder,
  dir,
  inputRef,
  ...props
}: SearchFieldProps) {
  const { t } = useI18n()
  return (
    <AriaSearchField
      {...props}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field search-field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <div className="input-group">
        <span className="input-icon">
          <Icon name="search" size={18} />
        </span>
        <Input ref={inputRef} placeholder={placeholder} dir={dir} />
        <AriaButton className="input-button clear-button" aria-label={t('ui.clearSearch')}>
          <Icon name="close" size={18} />
        </AriaButton>
      </div>
      <FieldHelp description={description} errorMessage={errorMessage} />
    </AriaSearchField>
  )
}
