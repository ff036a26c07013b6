// Asking for a new e-mail verification link: from sign-up ("check your inbox"), from sign-in (the
// address is not confirmed yet) and from /verify-email (the link failed). After each send the
// button rests for a minute: mail takes a moment to arrive, and the server limits these requests.
import { useMutation } from '@tanstack/react-query'
import { useEffect, useId, useState, type ReactNode } from 'react'
import { useI18n, type MessageKey } from '../../i18n'
import { Button, ProblemAlert } from '../../ui'
import { client } from './session'

export const RESEND_COOLDOWN_SECONDS = 60

/**
 * A translated message with its e-mail address set apart: bold, left to right, and in a Persian
 * sentence one piece (an inline block, see .address in styles.css), so a line break never splits
 * it into halves that the sentence's direction would reorder. t() has wrapped the address in
 * isolates; the <bdi> takes their place. The punctuation right after the address stays on its
 * line (kept outside the <bdi>, so it follows the sentence's direction).
 */
export function withAddress(text: string, email: string): ReactNode {
  const marked = `\u2068${email}\u2069`
  const at = text.indexOf(marked)
  if (at < 0) return text
  const rest = text.slice(at + marked.length)
  const attached = /^\S*/u.exec(rest)![0]
  return (
    <>
      {text.slice(0, at)}
      <span className="address-group">
        <bdi dir="ltr" className="address">
          {breakable(email)}
        </bdi>
        {attached}
      </span>
      {rest.slice(attached.length)}
    </>
  )
}

/** The address with a line-break opportunity after its @ (a long one wraps there first). */
export function breakable(email: string): ReactNode {
  const at = email.lastIndexOf('@')
  if (at < 0) return email
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  )
}

/**
 * Sends a new link; `secondsLeft` counts down after each send, and from the start when a link
 * was `justSent`. `sentMessage` words the confirmation, with {email}. `send` reports a failure
 * in `error`; `sendAsync` throws it (for a form that shows it on its field).
 */
export function useResendVerification(options: { justSent?: boolean; sentMessage?: MessageKey } = {}) {
  const [secondsLeft, setSecondsLeft] = useState(options.justSent ? RESEND_COOLDOWN_SECONDS : 0)
  useEffect(() => {
    if (secondsLeft <= 0) return
    const timer = setTimeout(() => setSecondsLeft((s) => s - 1), 1000)
    return () => clearTimeout(timer)
  }, [secondsLeft])
  const mutation = useMutation({
    mutationFn: (email: string) => client.resendVerification(email),
    onSuccess: () => setSecondsLeft(RESEND_COOLDOWN_SECONDS),
  })
  return {
    send: mutation.mutate,
    sendAsync: mutation.mutateAsync,
    pending: mutation.isPending,
    error: mutation.error,
    // The address the last link went to (the field may change after).
    sentTo: mutation.isSuccess ? mutation.variables : null,
    secondsLeft,
    sentMessage: options.sentMessage ?? 'verify.resent',
    ready: secondsLeft <= 0 && !mutation.isPending,
  }
}

/**
 * The resend button and what goes with it: the confirmation (a polite live region, always
 * present, unboxed: it may sit inside another alert), the error, and how long until the next
 * send. Without `onSend` the button submits its form. It stays focusable while it rests
 * (aria-disabled, not disabled), so keyboard focus is not lost when it is pressed.
 */
export function ResendControls({
  resend,
  onSend,
  showError = true,
}: {
  resend: ReturnType<typeof useResendVerification>
  onSend?: () => void
  /** False when the form shows the error itself, on its field. */
  showError?: boolean
}) {
  const { t } = useI18n()
  const waitId = useId()
  const waiting = resend.secondsLeft > 0
  return (
    <div className="resend">
      {showError && <ProblemAlert error={resend.error} />}
      <p className={resend.sentTo ? 'resend-sent' : 'visually-hidden'} role="status">
        {resend.sentTo && withAddress(t(resend.sentMessage, { email: resend.sentTo }), resend.sentTo)}
      </p>
      <Button
        type={onSend ? 'button' : 'submit'}
        variant="secondary"
        isPending={resend.pending}
        aria-disabled={resend.ready ? undefined : true}
        aria-describedby={waiting ? waitId : undefined}
        onPress={() => {
          if (resend.ready) onSend?.()
        }}
      >
        {t('verify.resend')}
      </Button>
      {waiting && (
        <p className="hint" id={waitId}>
          {t('verify.wait', { seconds: resend.secondsLeft })}
        </p>
      )}
    </div>
  )
}

/** A resend button for an address the page already knows (just signed up). */
export function ResendVerification({ email, justSent }: { email: string; justSent?: boolean }) {
  const resend = useResendVerification({ justSent })
  return <ResendControls resend={resend} onSend={() => resend.send(email)} />
}

/** Moves focus to the page's heading when `when` becomes true, so screen readers announce the new state. */
export function useFocusHeading(when: boolean) {
  useEffect(() => {
    if (when) document.querySelector<HTMLElement>('main h1')?.focus()
  }, [when])
}
