// react-hook-form, plus what every Caravan form does with the server's answer: a CaravanError's
// field errors go on their fields (setError type 'server') and focus moves to the first of them in
// the form's order; anything else becomes the form's error, shown above its buttons. Client rules
// move focus the same way, to the field named when the check failed. Not shouldFocusError: it
// looks again on a timer for the first field still in error, and a loaded browser runs that timer
// after the user has typed into the first field, so focus jumped to the next one.
import type { CaravanError } from '@caravan/sdk'
import { useRef, useState, type FormEvent, type RefObject } from 'react'
import {
  get,
  useForm,
  type DefaultValues,
  type FieldErrors,
  type FieldValues,
  type Path,
  type UseFormProps,
  type UseFormReturn,
} from 'react-hook-form'
import { asCaravanError } from '../messages'
import { useI18n } from '../../i18n'
import { fieldErrorMessage, matchServerErrors, type ServerFieldError } from './serverErrors'

export interface FormError {
  problem: CaravanError
  /** Field errors for fields this form does not show. */
  unmatched: ServerFieldError[]
}

export interface UseServerFormOptions<T extends FieldValues> extends Omit<UseFormProps<T>, 'defaultValues'> {
  /** Every field's starting value ('' for empty text): a server error finds its field by it. */
  defaultValues: DefaultValues<T>
  /** Sends the values; throws a CaravanError when the server says no. */
  onSubmit: (values: T) => Promise<unknown>
}

export type ServerForm<T extends FieldValues> = UseFormReturn<T> & {
  /** The <form>'s onSubmit (Form wires it). */
  submit: (event?: FormEvent) => Promise<void>
  formError: FormError | null
  setFormError: (error: FormError | null) => void
  /** The <form> element, to put the fields in error in the page's order. */
  formRef: RefObject<HTMLFormElement | null>
}

export function useServerForm<T extends FieldValues>({ defaultValues, onSubmit, ...options }: UseServerFormOptions<T>): ServerForm<T> {
  const { t, locale } = useI18n()
  const form = useForm<T>({ defaultValues, ...options, shouldFocusError: false })
  const [formError, setFormError] = useState<FormError | null>(null)
  const formRef = useRef<HTMLFormElement>(null)

  // A path is a field if the form has a value there that is not a group of fields.
  const hasField = (name: string): name is Path<T> => {
    const value: unknown = get(form.getValues(), name)
    return value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))
  }

  const focusFirst = (names: string[]) => {
    const first = inPageOrder(names, formRef.current)[0]
    if (first !== undefined && hasField(first)) form.setFocus(first)
  }

  const submit = form.handleSubmit(
    async (values) => {
      setFormError(null)
      try {
        await onSubmit(values)
      } catch (thrown) {
        const problem = asCaravanError(thrown)
        const { matched, unmatched } = matchServerErrors(problem, hasField)
        for (const { name, message } of matched) {
          if (hasField(name)) form.setError(name, { type: 'server', message: fieldErrorMessage(t, locale, name, message) })
        }
        focusFirst(matched.map(({ name }) => name))
        // The fields say what is wrong; the alert is for what no field shows.
        if (matched.length === 0 || unmatched.length > 0) setFormError({ problem, unmatched })
      }
    },
    (errors) => {
      setFormError(null)
      focusFirst(errorPaths(errors))
    },
  )

  return { ...form, submit, formError, setFormError, formRef }
}

/** Sorts field names by where their inputs are in the form; those without an input keep their order, last. */
function inPageOrder(names: string[], formElement: HTMLFormElement | null): string[] {
  if (!formElement) return names
  const element = (name: string) => formElement.querySelector(`[name="${CSS.escape(name)}"]`)
  return names
    .map((name, index) => ({ name, index, element: element(name) }))
    .sort((a, b) => {
      if (a.element && b.element) return a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1
      if (a.element || b.element) return a.element ? -1 : 1
      return a.index - b.index
    })
    .map(({ name }) => name)
}

/** The paths of the fields a client-side check failed (`content.html`, `users.3.email`). */
function errorPaths(errors: FieldErrors, prefix = ''): string[] {
  return Object.entries(errors).flatMap(([key, error]): string[] => {
    if (error === null || typeof error !== 'object') return []
    const path = prefix + key
    // A field's error has a string type; a group of fields holds more errors under its keys.
    return 'type' in error && typeof error.type === 'string' ? [path] : errorPaths(error as FieldErrors, `${path}.`)
  })
}
