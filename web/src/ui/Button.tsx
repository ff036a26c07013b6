// The one button. isPending keeps the label (so the button keeps its size and name), adds a
// spinner and aria-busy, and ignores presses; React Aria also keeps it focusable and turns a
// submit button into a plain one so Enter in a field cannot submit twice.
import type { ReactNode, Ref } from 'react'
import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components'

export interface ButtonProps extends Omit<AriaButtonProps, 'className' | 'children' | 'render'> {
  variant?: 'primary' | 'secondary' | 'danger' | 'quiet'
  size?: 'small'
  className?: string
  children: ReactNode
  ref?: Ref<HTMLButtonElement>
}

export function Button({ variant = 'primary', size, className, isPending, children, ...props }: ButtonProps) {
  const classes = ['button', variant, size, className].filter(Boolean).join(' ')
  return (
    <AriaButton
      {...props}
      isPending={isPending}
      className={classes}
      // aria-busy is not among the props React Aria passes to the element, so it is added here.
      render={(domProps) => <button {...domProps} aria-busy={isPending || undefined} />}
    >
      {isPending && <span className="spinner" aria-hidden="true" />}
      {children}
    </AriaButton>
  )
}
