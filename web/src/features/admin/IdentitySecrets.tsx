// The identity secret: the host product's server signs its users' externalIds with it (HMAC-SHA256)
// and the browser trades {externalId, signature} for a session (caravan.identify). Listed without
// values; a rotation shows the new value once, and the old one works on for the grace period chosen.
import type { RotatedIdentitySecret } from '@caravan/sdk'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Button, ConfirmDialog, ProblemAlert, Skeleton } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { StatusMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { useIdentitySecrets, useRotateIdentitySecret } from './queries'

const GRACE_SECONDS = [0, 3600, 86400, 604800] as const
type Grace = (typeof GRACE_SECONDS)[number]

export function IdentitySecrets() {
  const { t, formatDate } = useI18n()
  const id = useId()
  const secrets = useIdentitySecrets()
  const rotate = useRotateIdentitySecret()
  const [grace, setGrace] = useState<Grace>(86400)
  const [confirming, setConfirming] = useState(false)
  const [created, setCreated] = useState<RotatedIdentitySecret | null>(null)
  const hasCurrent = secrets.data?.some((s) => s.expiresAt === null) ?? false

  function run() {
    // The grace period only means something when there is a secret to keep.
    rotate.mutate(hasCurrent ? { graceSeconds: grace } : {}, {
      onSuccess: (result) => {
        setConfirming(false)
        setCreated(result)
      },
    })
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    if (rotate.isPending) return
    rotate.reset()
    setCreated(null)
    // Replacing a secret in use can lock the product's users out: ask first.
    if (hasCurrent) setConfirming(true)
    else run()
  }

  return (
    <Page title={t('identity.title')} intro={t('identity.intro')}>
      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>{t('identity.inUse')}</h2>
        {secrets.isPending ? (
          <Skeleton lines={3} />
        ) : secrets.isError ? (
          <ProblemAlert error={secrets.error} onRetry={() => void secrets.refetch()}>
            <p>{t('identity.loadFailed')}</p>
          </ProblemAlert>
        ) : secrets.data.length === 0 ? (
          <p className="empty">{t('identity.empty')}</p>
        ) : (
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
                    <td>
                      <RelativeTime iso={secret.createdAt} />
                    </td>
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
        <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-rotate`} aria-busy={rotate.isPending}>
          <h2 id={`${id}-rotate`}>{hasCurrent ? t('identity.rotateTitle') : t('identity.createTitle')}</h2>
          {!confirming && <ProblemAlert error={rotate.error} onRetry={run} />}
          {hasCurrent && (
            // Native radios: the kit has no radio group yet.
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
          <Button type="submit" isPending={rotate.isPending && !confirming}>
            {hasCurrent ? t('identity.rotate') : t('identity.create')}
          </Button>
        </form>
      )}

      {confirming && (
        <ConfirmDialog
          title={t('identity.confirmTitle')}
          confirmLabel={t('identity.yesRotate')}
          pending={rotate.isPending}
          onConfirm={run}
          onCancel={() => {
            setConfirming(false)
            rotate.reset()
          }}
        >
          <p>
            {grace === 0
              ? t('identity.confirmNow')
              : t('identity.confirmGrace', { date: formatDate(new Date(Date.now() + grace * 1000).toISOString()) })}
          </p>
          <ProblemAlert error={rotate.error} />
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
        <Button variant="secondary" size="small" onPress={() => void copy()}>
          {t('identity.copy')}
        </Button>
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
