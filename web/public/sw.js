// Caravan's service worker (registered by the built app, web/src/pwa.ts). It keeps the app shell
// so the installed app opens offline, keeps each user's last inbox page so it shows offline, and
// shows Web Push notifications, reporting a click (POST /v1/push/opened) before opening the page.
// Plain JavaScript served as it is from web/public: it must be at the site's root for scope "/".
const SHELL = 'caravan-shell-v1'
const INBOX = 'caravan-inbox-v1'

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL)
      const page = await fetch('/', { cache: 'no-cache' })
      const html = await page.clone().text()
      // The entry script, its styles and preloaded chunks: what the first page needs (hashed names).
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
      await cache.put('/', page)
      await cache.addAll([...new Set(assets), '/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png'])
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== SHELL && key !== INBOX) await caches.delete(key)
      await self.clients.claim()
    })(),
  )
})

/** The user a request is made for (its access token's subject): one user's inbox never shows for another. */
function userOf(request) {
  const token = (request.headers.get('authorization') || '').replace(/^Bearer\s+/i, '')
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub
  } catch {
    return undefined
  }
}

/** The network's answer (a copy kept under `key`), else the kept copy when offline. */
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName)
  try {
    const response = await fetch(request)
    if (response.ok) await cache.put(key, response.clone())
    return response
  } catch (error) {
    const kept = await cache.match(key)
    if (kept) return kept
    throw error
  }
}

/** Hashed assets never change: the kept copy, else the network's (then kept). */
async function cacheFirst(request) {
  const cache = await caches.open(SHELL)
  const kept = await cache.match(request)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok) await cache.put(request, response.clone())
  return response
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.mode === 'navigate') return event.respondWith(networkFirst(request, SHELL, '/'))
  if (url.pathname.startsWith('/assets/')) return event.respondWith(cacheFirst(request))
  // The inbox's first page (no cursor), per user and query.
  if (url.pathname === '/v1/me/notifications' && !url.searchParams.has('cursor')) {
    const user = userOf(request)
    if (user) event.respondWith(networkFirst(request, INBOX, `/offline/inbox/${encodeURIComponent(user)}${url.search}`))
  }
})

// Signed out: nobody's inbox stays on this device.
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'signed-out') event.waitUntil(caches.delete(INBOX))
})

self.addEventListener('push', (event) => {
  let message
  try {
    message = event.data ? event.data.json() : {}
  } catch {
    message = { body: event.data ? event.data.text() : '' }
  }
  const data = message.data || {}
  event.waitUntil(
    self.registration.showNotification(message.title || 'Caravan', {
      body: message.body || '',
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      dir: 'auto',
      // The delivery id: a repeat of the same send replaces the one shown.
      tag: message.tag,
      data,
    }),
  )
})

/** Where a click goes: the payload's url when it is on the web, else the inbox. */
function targetOf(data) {
  try {
    const url = new URL(data.url, self.location.origin)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href
  } catch {}
  return new URL('/notifications', self.location.origin).href
}

async function notificationClicked(data) {
  if (data.caravanDeliveryId && data.caravanAck) {
    await fetch('/v1/push/opened', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryId: data.caravanDeliveryId, ack: data.caravanAck }),
    }).catch(() => {})
  }
  const target = targetOf(data)
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const open = windows.find((w) => new URL(w.url).origin === self.location.origin)
  if (open) {
    // Allowed inside a click event only (a test's direct call is refused): not worth failing over.
    await open.focus().catch(() => {})
    if (open.url !== target && 'navigate' in open) await open.navigate(target).catch(() => {})
    return
  }
  await self.clients.openWindow(target)
}
// DevTools cannot click a system notification: tests call this with a notification's data.
self.caravanNotificationClicked = notificationClicked

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(notificationClicked(event.notification.data || {}))
})
