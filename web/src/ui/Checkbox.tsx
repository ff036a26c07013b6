// A checkbox and a switch: the label beside the control, and a description and an error under
// it, tied to the input with aria-describedby. (React Aria's checkbox has no help-text slots.)
import { useId, type ReactNode, type Ref } from 'react'
import {
  Checkbox as AriaCheckbox,
  Switch as AriaSwitch,
  type CheckboxProps as AriaCheckboxProps,
  type SwitchProps as AriaSwitchProps,
} from 'react-aria-components'
import { fieldClass, type FieldProps } from './field'
import { Icon } from './Icon'

type ToggleProps = Omit<FieldProps, 'optional'> & { inputRef?: Ref<HTMLInputElement> }

export interface CheckboxProps
  extends Omit<AriaCheckboxProps, 'children' | 'className' | 'isInvalid' | 'validationBehavior' | 'validate' | 'inputRef'>, ToggleProps {}

function Help({ id, description, errorMessage }: { id: string; description?: ReactNode; errorMessage?: string }) {
  return (
    <>
      {description && (
        <p className="hint" id={`${id}-description`}>
          {description}
        </p>
      )}
      {errorMessage && (
        <p className="field-error" id={`${id}-error`}>
          {errorMessage}
        </p>
      )}
    </>
  )
}

function describedBy(id: string, description: unknown, errorMessage: unknown): string | undefined {
  return [description && `${id}-description`, errorMessage && `${id}-error`].filter(Boolean).join(' ') || undefined
}

export function Checkbox({ label, description, errorMessage, className, inputRef, ...props }: CheckboxProps) {
  const id = useId()
  return (
    <div className={fieldClass('toggle-field', className)}>
      <AriaCheckbox
        {...props}
        inputRef={inputRef}
        isInvalid={Boolean(errorMessage)}
        validationBehavior="aria"
        aria-describedby={describedBy(id, description, errorMessage)}
        className="checkbox"
      >
        {({ isSelected, isIndeterminate }) => (
          <>
            <span className="checkbox-box" aria-hidden="true">
              {isIndeterminate ? <Icon name="minus" size={14} /> : isSelected && <Icon name="check" size={14} />}
            </span>
            <span>{label}</span>
          </>
        )}
      </AriaCheckbox>
      <Help id={id} description={description} errorMessage={errorMessage} />
    </div>
  )
}

export interface SwitchProps extends Omit<AriaSwitchProps, 'children' | 'className' | 'inputRef'>, ToggleProps {}

export function Switch({ label, description, errorMessage, className, inputRef, ...props }: SwitchProps) {
  const id = useId()
  return (
    <div className={fieldClass('toggle-field', className)}>
      <AriaSwitch {...props} inputRef={inputRef} aria-describedby={describedBy(id, description, errorMessage)} className="switch-control">
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span>{label}</span>
      </AriaSwitch>
      <Help id={id} description={description} errorMessage={errorMessage} />
    </div>
  )
}
