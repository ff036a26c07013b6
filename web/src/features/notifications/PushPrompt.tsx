// Browser notifications, asked for where it makes sense: on the inbox, never on page load by
// itself, with a "Not now" that is remembered. Granted: the browser's push subscription (made with
// Caravan's VAPID key, GET /v1/push/config) is registered as a webpush device, so notifications
// reach this browser even while Caravan is closed; the service worker (public/sw.js) shows them.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { StatusMessage } from '../../ui/messages'
import { serviceWorkerOn } from '../../pwa'
import { client } from '../auth/session'

const DISMISSED_KEY = 'caravan.push-prompt'

/** Only built apps register the service worker (pwa.ts), and only browsers with Web Push can subscribe. */
const pushPossible = () => serviceWorkerOn() && 'PushManager' in window && 'Notification' in window

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

async function subscribeThisBrowser(publicKey: string, label: string) {
  const registration = await navigator.serviceWorker.ready
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }))
  const { endpoint, keys } = subscription.toJSON()
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error('the browser gave an incomplete push subscription')
  await client.devices.register({ kind: 'webpush', subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }, label })
}

/** The key to subscribe with, once the service worker runs (it may be blocked, or still installing on a first visit). */
async function pushKeyIfReady(): Promise<string | null> {
  const ready = await Promise.race([navigator.serviceWorker.ready, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))])
  if (!ready) return null
  return (await client.devices.pushConfig()).webPush?.publicKey ?? null
}

type State = 'ask' | 'busy' | 'on' | 'blocked' | 'failed' | 'hidden'

export function PushPrompt() {
  const { t } = useI18n()
  const [state, setState] = useState<State>(() =>
    pushPossible() && Notification.permission === 'default' && !localStorage.getItem(DISMISSED_KEY) ? 'ask' : 'hidden',
  )
  const config = useQuery({
    queryKey: ['push-config'],
    queryFn: pushKeyIfReady,
    enabled: state !== 'hidden',
    staleTime: Infinity,
  })
  const publicKey = config.data
  if (state === 'hidden' || !publicKey) return null
  if (state === 'on') return <StatusMessage message={t('push.on')} />

  const turnOn = async () => {
    setState('busy')
    const permission = await Notification.requestPermission()
    if (permission !== 'granted') return setState(permission === 'denied' ? 'blocked' : 'ask')
    try {
      await subscribeThisBrowser(publicKey, t('push.deviceLabel'))
      setState('on')
    } catch {
      setState('failed')
    }
  }
  const notNow = () => {
    localStorage.setItem(DISMISSED_KEY, 'dismissed')
    setState('hidden')
  }
  return (
    <section className="card push-prompt" aria-labelledby="push-prompt-heading">
      <h2 id="push-prompt-heading">{t('push.title')}</h2>
      <p>{t('push.intro')}</p>
      {state === 'blocked' && <p role="alert">{t('push.blocked')}</p>}
      {state === 'failed' && <p role="alert">{t('push.failed')}</p>}
      <div className="toolbar">
        {state !== 'blocked' && (
          <Button isPending={state === 'busy'} onPress={() => void turnOn()}>
            {t('push.turnOn')}
          </Button>
        )}
        <Button variant="secondary" onPress={notNow}>
          {t('push.notNow')}
        </Button>
      </div>
    </section>
  )
}
