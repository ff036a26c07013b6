// The parts every field shares: its label (with "optional" when asked), its description and its
// error. Inside a React Aria field these are tied to the input by the field itself
// (aria-labelledby, aria-describedby), and FieldError shows only while the field is invalid.
import type { ReactNode } from 'react'
import { FieldError, Label, Text } from 'react-aria-components'
import { useI18n } from '../i18n'

/** What every field takes besides its value. */
export interface FieldProps {
  label: ReactNode
  /** A hint under the input, read with it. */
  description?: ReactNode
  /** Shown under the input, and the field is marked invalid, while set. */
  errorMessage?: string
  /** Says "(optional)" after the label; use isRequired for the rule itself. */
  optional?: boolean
  className?: string
}

export function FieldLabel({ label, optional }: Pick<FieldProps, 'label' | 'optional'>) {
  const { t } = useI18n()
  return (
    <Label>
      {label}
      {optional && <span className="muted"> ({t('common.optional')})</span>}
    </Label>
  )
}

export function FieldHelp({ description, errorMessage }: Pick<FieldProps, 'description' | 'errorMessage'>) {
  return (
    <>
      {description && (
        <Text slot="description" className="hint">
          {description}
        </Text>
      )}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </>
  )
}

export function fieldClass(base: string, className?: string): string {
  return className ? `${base} ${className}` : base
}
