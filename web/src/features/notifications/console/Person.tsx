// A person named by id (who saved a template version, who a delivery went to): their name and
// email in words, the id on hover and one press from the clipboard.
import type { User } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button } from '../../../ui'
import { useUsers } from './queries'

const shortId = (id: string) => `…${id.slice(-8)}`

/** `user` undefined while it is read, null when no user has the id (an API key's, or an erased user's). */
export function Person({ id, user }: { id: string; user: User | null | undefined }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 3000)
    return () => clearTimeout(timer)
  }, [copied])
  const name = user ? (user.name ?? user.email ?? user.externalId) : null
  const label = name ?? (user === null ? t('nconsole.unknownUser') : shortId(id))
  const email = user?.name && user.email
  return (
    <span className="cell-with-action">
      <span title={id} className="wrap-anywhere">
        {name ? <bdi>{name}</bdi> : user === null ? label : <code dir="ltr">{label}</code>}
        {email && (
          <span className="secondary-line">
            <bdi>{email}</bdi>
          </span>
        )}
      </span>
      <Button
        variant="quiet"
        size="small"
        aria-label={t('nconsole.copyIdOf', { name: label })}
        onPress={() =>
          void navigator.clipboard.writeText(id).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {t('audit.copyId')}
      </Button>
      <span role="status" className="muted small">
        {copied && t('nconsole.copied')}
      </span>
    </span>
  )
}

/** A person by id alone: read from the server (once per id, shared by every row naming them). */
export function PersonById({ id }: { id: string }) {
  return <Person id={id} user={useUsers([id]).get(id)} />
}
