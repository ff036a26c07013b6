// The <form> of a useServerForm: noValidate (the rules are react-hook-form's, shown in our
// words), the fields' context, and, above the buttons, the form's error.
import { createContext, useContext, type ReactNode } from 'react'
import { FormProvider, useFormState, type FieldValues } from 'react-hook-form'
import { useI18n } from '../../i18n'
import { ProblemAlert } from '../Alert'
import { Button, type ButtonProps } from '../Button'
import { fieldErrorMessage } from './serverErrors'
import type { FormError as FormErrorValue, ServerForm } from './useServerForm'

const FormErrorContext = createContext<FormErrorValue | null>(null)

export interface FormProps<T extends FieldValues> {
  form: ServerForm<T>
  children: ReactNode
  /** The submit button's label; the form draws the button after its error. */
  submitLabel?: string
  /** Instead of submitLabel: the buttons row, e.g. a SubmitButton and a Cancel button. */
  actions?: ReactNode
  /** 'form' (the default grid of fields), plus 'narrow' or 'wide'. */
  className?: string
  'aria-label'?: string
  'aria-labelledby'?: string
}

export function Form<T extends FieldValues>({ form, children, submitLabel, actions, className, ...aria }: FormProps<T>) {
  return (
    <FormProvider {...form}>
      <FormErrorContext.Provider value={form.formError}>
        <form
          {...aria}
          ref={form.formRef}
          className={className ? `form ${className}` : 'form'}
          noValidate
          onSubmit={(event) => void form.submit(event)}
        >
          {children}
          <FormError />
          {actions ?? (submitLabel !== undefined && <SubmitButton>{submitLabel}</SubmitButton>)}
        </form>
      </FormErrorContext.Provider>
    </FormProvider>
  )
}

/** The form's own error: a problem no field shows, with any field errors for fields it lacks. */
function FormError() {
  const { t, locale } = useI18n()
  const error = useContext(FormErrorContext)
  if (!error) return null
  return (
    <ProblemAlert error={error.problem}>
      {error.unmatched.length > 0 && (
        <ul>
          {error.unmatched.map(({ name, message }) => (
            <li key={name}>{fieldErrorMessage(t, locale, name, message)}</li>
          ))}
        </ul>
      )}
    </ProblemAlert>
  )
}

/** The form's submit button: busy (aria-busy, not pressable) while the submit runs. */
export function SubmitButton({ children, ...props }: Omit<ButtonProps, 'type' | 'isPending'>) {
  const { isSubmitting } = useFormState()
  return (
    <Button {...props} type="submit" isPending={isSubmitting}>
      {children}
    </Button>
  )
}
