// The kit's controls bound to a react-hook-form field by name. Each passes the field's ref to its
// input, so focusing the first error (client rules or the server's) lands there. `control` is
// optional inside <Form>; passing form.control makes TypeScript check the name.
import { Controller, type Control, type FieldPath, type FieldValues, type RegisterOptions } from 'react-hook-form'
import { useI18n } from '../../i18n'
import { Checkbox, Switch, type CheckboxProps, type SwitchProps } from '../Checkbox'
import { ComboBoxField, type ComboBoxFieldProps } from '../ComboBoxField'
import { NumberField, type NumberFieldProps } from '../NumberField'
import { PasswordField, type PasswordFieldProps } from '../PasswordField'
import { SearchField, type SearchFieldProps } from '../SearchField'
import { SelectField, type SelectFieldProps } from '../SelectField'
import { TextAreaField, TextField, type TextAreaFieldProps, type TextFieldProps } from '../TextField'

/** What the binding sets on the control itself. */
type Bound =
  'name' | 'value' | 'defaultValue' | 'onChange' | 'onBlur' | 'errorMessage' | 'inputRef' | 'isRequired' | 'isSelected' | 'defaultSelected'

type Rules<T extends FieldValues, N extends FieldPath<T>> = Omit<
  RegisterOptions<T, N>,
  'valueAsNumber' | 'valueAsDate' | 'setValueAs' | 'disabled'
>

export interface BindingProps<T extends FieldValues, N extends FieldPath<T>> {
  name: N
  control?: Control<T>
  /** react-hook-form rules, with messages in the page's words. */
  rules?: Rules<T, N>
  /** Marks the field required and, unless rules.required is given, checks it with the kit's message. */
  isRequired?: boolean
}

/**
 * Adds the required check with the kit's message. react-hook-form's own `required` counts only
 * '' and [] as empty for a controlled field, so a number or a checkbox passes `isFilled`.
 */
function useRules<T extends FieldValues, N extends FieldPath<T>>(
  rules: Rules<T, N> | undefined,
  isRequired: boolean | undefined,
  isFilled?: (value: unknown) => boolean,
): Rules<T, N> | undefined {
  const { t } = useI18n()
  if (!isRequired || rules?.required) return rules
  if (!isFilled) return { ...rules, required: t('ui.required') }
  const validate = typeof rules?.validate === 'function' ? { rule: rules.validate } : rules?.validate
  return { ...rules, validate: { ...validate, required: (value) => isFilled(value) || t('ui.required') } }
}

const asText = (value: unknown): string => (value === null || value === undefined ? '' : String(value))
const asKey = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value))

export function FormTextField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<TextFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <TextField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asText(field.value)}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

export function FormTextAreaField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<TextAreaFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <TextAreaField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asText(field.value)}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

export function FormPasswordField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<PasswordFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <PasswordField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asText(field.value)}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

export function FormSearchField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<SearchFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <SearchField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asText(field.value)}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

/** The value is a number, or null while empty. */
export function FormNumberField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<NumberFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired, (value) => typeof value === 'number' && !Number.isNaN(value))}
      render={({ field, fieldState }) => (
        <NumberField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={typeof field.value === 'number' ? field.value : NaN}
          onChange={(value) => field.onChange(Number.isNaN(value) ? null : value)}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

/** The value is the chosen option's id, or '' before a choice. */
export function FormSelectField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<SelectFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <SelectField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asKey(field.value)}
          onChange={(value) => field.onChange(value ?? '')}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

/** The value is the chosen option's id, or '' before a choice. */
export function FormComboBoxField<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<ComboBoxFieldProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired)}
      render={({ field, fieldState }) => (
        <ComboBoxField
          {...props}
          isRequired={isRequired}
          name={field.name}
          value={asKey(field.value)}
          onChange={(value) => field.onChange(value ?? '')}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

/** The value is a boolean; isRequired means it must be checked (accepting terms). */
export function FormCheckbox<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  isRequired,
  ...props
}: BindingProps<T, N> & Omit<CheckboxProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={useRules(rules, isRequired, (value) => value === true)}
      render={({ field, fieldState }) => (
        <Checkbox
          {...props}
          isRequired={isRequired}
          name={field.name}
          isSelected={field.value === true}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}

/** The value is a boolean. */
export function FormSwitch<T extends FieldValues, N extends FieldPath<T>>({
  name,
  control,
  rules,
  ...props
}: Omit<BindingProps<T, N>, 'isRequired'> & Omit<SwitchProps, Bound>) {
  return (
    <Controller
      name={name}
      control={control}
      rules={rules}
      render={({ field, fieldState }) => (
        <Switch
          {...props}
          name={field.name}
          isSelected={field.value === true}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          isDisabled={props.isDisabled || field.disabled}
          errorMessage={fieldState.error?.message}
        />
      )}
    />
  )
}
