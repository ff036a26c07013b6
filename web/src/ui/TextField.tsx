// Text inputs: one line (TextField) or several (TextAreaField). Addresses, links and phone
// numbers are left to right even in Persian, so their types default to dir="ltr".
import type { Ref } from 'react'
import { Input, TextArea, TextField as AriaTextField, type TextFieldProps as AriaTextFieldProps } from 'react-aria-components'
import { FieldHelp, FieldLabel, fieldClass, type FieldProps } from './field'

type BaseProps = Omit<AriaTextFieldProps, 'children' | 'className' | 'type' | 'isInvalid' | 'validationBehavior' | 'validate' | 'dir'> &
  FieldProps & {
    placeholder?: string
    /** The text's direction; 'auto' for names that may be Persian or Latin. */
    dir?: 'ltr' | 'rtl' | 'auto'
  }

export interface TextFieldProps extends BaseProps {
  type?: 'text' | 'email' | 'url' | 'tel'
  inputRef?: Ref<HTMLInputElement>
}

const LTR_TYPES = new Set(['email', 'url', 'tel'])

export function TextField({
  label,
  description,
  errorMessage,
  optional,
  className,
  placeholder,
  dir,
  type = 'text',
  inputRef,
  ...props
}: TextFieldProps) {
  return (
    <AriaTextField
      {...props}
      type={type}
      isInvalid={Boolean(errorMessage)}
      validationBehavior="aria"
      className={fieldClass('field', className)}
    >
      <FieldLabel label={label} optional={optional} />
      <Input ref={inputRef} placeholder={placeholder} dir={dir ?? (LTR_TYPES.has(type) ? 'ltr' : undefined)} />
      <FieldHelp description={description} errorMessage={errorMessage} />
    </AriaTextField>
  )
}

export interface TextAreaFieldProps extends BaseProps {
  rows?: number
  inputRef?: Ref<HTMLTextAreaElement>
}

export function TextAreaField({
  label,
  description,
  errorMessage,
  optional,
  className,
  placeholder,
  dir,
  rows = 4,
  inputRef,
  ...props
}: TextAreaFieldProps) {
  return (
    <AriaTextField {...props} isInvalid={Boolean(errorMessage)} validationBehavior="aria" className={fieldClass('field', className)}>
      <FieldLabel label={label} optional={optional} />
      <TextArea ref={inputRef} placeholder={placeholder} dir={dir} rows={rows} />
      <FieldHelp description={description} errorMessage={errorMessage} />
    </AriaTextField>
  )
}
