// A button that puts a text (a secret, the embed code) on the clipboard and says so in a live
// region beside it. The clipboard is missing outside secure contexts (plain http on a LAN name):
// then it says to copy by hand, the text being on the page.
import { useEffect, useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button } from '../../../ui'

interface CopyButtonProps {
  text: string
  label: string
  /** The accessible name, when several copy buttons sit on a page. */
  name?: string
}

export function CopyButton({ text, label, name }: CopyButtonProps) {
  const { t } = useI18n()
  const [copied, setCopied] = useState<boolean | null>(null)
  useEffect(() => {
    if (copied === null) return
    const timer = setTimeout(() => setCopied(null), 4000)
    return () => clearTimeout(timer)
  }, [copied])

  function copy() {
    // Inside then(): a missing navigator.clipboard rejects like a refused write.
    void Promise.resolve()
      .then(() => navigator.clipboard.writeText(text))
      .then(
        () => setCopied(true),
        () => setCopied(false),
      )
  }

  return (
    <span className="sadmin-copy">
      <Button variant="secondary" size="small" aria-label={name} onPress={copy}>
        {label}
      </Button>
      <span role="status" className={copied === false ? 'field-error' : 'muted small'}>
        {copied === true ? t('common.copied') : copied === false ? t('sadmin.copyFailed') : ''}
      </span>
    </span>
  )
}
