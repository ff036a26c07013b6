// The UI kit: accessible controls on React Aria Components, the theme, and forms on
// react-hook-form. Pages import from here ('../../ui'), never build a control by hand.
export { Alert, ProblemAlert, type AlertProps, type ProblemAlertProps } from './Alert'
export { AriaLocaleProvider, ariaLocale } from './AriaLocaleProvider'
export { Button, type ButtonProps } from './Button'
export { Checkbox, Switch, type CheckboxProps, type SwitchProps } from './Checkbox'
export { ComboBoxField, type ComboBoxFieldProps } from './ComboBoxField'
export { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog'
export { CloseButton, Dialog, type DialogProps } from './Dialog'
export { Drawer, type DrawerProps } from './Drawer'
export type { FieldProps } from './field'
export { Icon } from './Icon'
export { NumberField, type NumberFieldProps } from './NumberField'
export { PasswordField, type PasswordFieldProps } from './PasswordField'
export { SearchField, type SearchFieldProps } from './SearchField'
export { SelectField, type Option, type SelectFieldProps } from './SelectField'
export { Skeleton } from './Skeleton'
export { TextAreaField, TextField, type TextAreaFieldProps, type TextFieldProps } from './TextField'
export { ThemeSwitch } from './ThemeSwitch'
export { useSettled } from './useSettled'
export { initTheme, setTheme, useTheme, type ThemeChoice } from './theme'
export {
  FormCheckbox,
  FormComboBoxField,
  FormNumberField,
  FormPasswordField,
  FormSearchField,
  FormSelectField,
  FormSwitch,
  FormTextAreaField,
  FormTextField,
  type BindingProps,
} from './form/fields'
export { Form, SubmitButton, type FormProps } from './form/Form'
export { FormDialog, type FormDialogProps } from './FormDialog'
export { fieldErrorMessage, matchServerErrors, type ServerFieldError } from './form/serverErrors'
export { useServerForm, type FormError, type ServerForm, type UseServerFormOptions } from './form/useServerForm'
export { asCaravanError, problemMessage, StatusMessage, useMessage, type Say } from './messages'
