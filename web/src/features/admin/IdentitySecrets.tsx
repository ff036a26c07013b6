// The identity secret: the host product's server signs its users' externalIds with it (HMAC-SHA256)
// and the browser trades {externalId, signature} for a session (caravan.identify). Listed without
// values; a rotation shows the new value once, and the old one works on for the grace period chosen.
import type { RotatedIdentitySecret } from '@caravan/sdk'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ConfirmDialog } from '../shell/ConfirmDialog'
import { ErrorAlert, StatusMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'

const GRACE_SECONDS = [0, 3600, 86400, 604800] as const
type Grace = (typeof GRACE_SECONDS)[number]

export function IdentitySecrets() {
  const { t, formatDate } = useI18n()
  const id = useId()
  const secrets = useLoad(() => client.identitySecrets.list())
  const [grace, setGrace] = useState<Grace>(86400)
  const [confirming, setConfirming] = useState(false)
  const [created, setCreated] = useState<RotatedIdentitySecret | null>(null)
  const hasCurrent = secrets.data?.some((s) => s.expiresAt === null) ?? false

  const rotate = useAction(async () => {
    // The grace period only means something when there is a secret to keep.
    const result = await client.identitySecrets.rotate(hasCurrent ? { graceSeconds: grace } : {})
    setConfirming(false)
    setCreated(result)
    secrets.reload()
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    if (rotate.pending) return
    rotate.setError(null)
    setCreated(null)
    // Replacing a secret in use can lock the product's users out: ask first.
    if (hasCurrent) setConfirming(true)
    else void rotate.run()
  }

  return (
    <Page title={t('identity.title')} intro={t('identity.intro')}>
      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>{t('identity.inUse')}</h2>
        <ErrorAlert error={secrets.error ?? null} />
        {secrets.loading && !secrets.data && <p>{t('common.loading')}</p>}
        {secrets.data?.length === 0 && <p className="empty">{t('identity.empty')}</p>}
        {!!secrets.data?.length && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('identity.prefix')}</th>
                  <th scope="col">{t('identity.created')}</th>
                  <th scope="col">{t('identity.status')}</th>
                </tr>
              </thead>
              <tbody>
                {secrets.data.map((secret) => (
                  <tr key={secret.id}>
                    <th scope="row">
                      <code dir="ltr">{secret.prefix}…</code>
                    </th>
                    <td>{formatDate(secret.createdAt)}</td>
                    <td>
                      {secret.expiresAt ? (
                        t('identity.worksUntil', { date: formatDate(secret.expiresAt) })
                      ) : (
                        <span className="tag always">{t('identity.current')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {secrets.data && (
        <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-rotate`} aria-busy={rotate.pending}>
          <h2 id={`${id}-rotate`}>{hasCurrent ? t('identity.rotateTitle') : t('identity.createTitle')}</h2>
          {!confirming && <ErrorAlert error={rotate.error} />}
          {hasCurrent && (
            <fieldset className="checks" aria-describedby={`${id}-grace-hint`}>
              <legend>{t('identity.grace')}</legend>
              {GRACE_SECONDS.map((seconds) => (
                <label key={seconds} className="check">
                  <input type="radio" name={`${id}-grace`} value={seconds} checked={grace === seconds} onChange={() => setGrace(seconds)} />
                  <span>{t(`identity.grace.${seconds}`)}</span>
                </label>
              ))}
              <p className="hint" id={`${id}-grace-hint`}>
                {t('identity.graceHint')}
              </p>
            </fieldset>
          )}
          <button type="submit" aria-disabled={rotate.pending ? true : undefined}>
            {rotate.pending && !confirming ? t('common.working') : hasCurrent ? t('identity.rotate') : t('identity.create')}
          </button>
        </form>
      )}

      {confirming && (
        <ConfirmDialog
          title={t('identity.confirmTitle')}
          confirmLabel={t('identity.yesRotate')}
          pending={rotate.pending}
          onConfirm={() => void rotate.run()}
          onCancel={() => {
            setConfirming(false)
            rotate.setError(null)
          }}
        >
          <p>
            {grace === 0
              ? t('identity.confirmNow')
              : t('identity.confirmGrace', { date: formatDate(new Date(Date.now() + grace * 1000).toISOString()) })}
          </p>
          <ErrorAlert error={rotate.error} />
        </ConfirmDialog>
      )}

      {created && <NewSecret secret={created.secret} />}
    </Page>
  )
}

const SERVER_SNIPPET = `import { createHmac } from 'node:crypto'

// The identity secret, on your server only (never in a page).
const secret = process.env.CARAVAN_IDENTITY_SECRET
// externalId: your id for the signed-in user.
const signature = createHmac('sha256', secret).update(externalId).digest('hex')
// Give { externalId, signature } to your page.`

const browserSnippet = (origin: string) => `import { createCaravanClient, localStorageSessionStorage } from '@caravan/sdk'

const caravan = createCaravanClient({ baseUrl: '${origin}', storage: localStorageSessionStorage() })
await caravan.identify(externalId, signature)`

/** The new secret, this one time, and how the host product uses it. */
function NewSecret({ secret }: { secret: string }) {
  const { t } = useI18n()
  const id = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const [copied, setCopied] = useState(false)
  // Focus the news, so a screen reader reads it (after the dialog has handed focus back).
  useEffect(() => heading.current?.focus(), [])

  async function copy() {
    await navigator.clipboard.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }

  return (
    <>
      <section className="alert success new-key" aria-labelledby={`${id}-new`}>
        <h2 id={`${id}-new`} ref={heading} tabIndex={-1}>
          {t('identity.newSecret')}
        </h2>
        <p>{t('identity.copyWarning')}</p>
        <p>
          <code className="secret" dir="ltr" data-testid="new-identity-secret">
            {secret}
          </code>
        </p>
        <button type="button" className="secondary small" onClick={() => void copy()}>
          {t('identity.copy')}
        </button>
        <StatusMessage message={copied ? t('common.copied') : null} tone="info" />
      </section>
      <section className="card" aria-labelledby={`${id}-use`}>
        <h2 id={`${id}-use`}>{t('identity.useTitle')}</h2>
        <h3>{t('identity.serverTitle')}</h3>
        <p>{t('identity.serverHint')}</p>
        <pre className="plain snippet" dir="ltr">
          <code>{SERVER_SNIPPET}</code>
        </pre>
        <h3>{t('identity.browserTitle')}</h3>
        <pre className="plain snippet" dir="ltr">
          <code>{browserSnippet(location.origin)}</code>
        </pre>
      </section>
    </>
  )
}
