// The installed app: the service worker (web/public/sw.js) in built apps (in development Vite
// serves modules it could not keep), and what it keeps for signed-out users: nothing.
/** Whether this app runs a service worker: built apps, in browsers that have them. */
export const serviceWorkerOn = () => import.meta.env.PROD && 'serviceWorker' in navigator

export function registerServiceWorker() {
  if (!serviceWorkerOn()) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined)
  })
}

/** Signed out: the service worker drops the inbox it kept for offline use. */
export function forgetOfflineInbox() {
  navigator.serviceWorker?.controller?.postMessage({ type: 'signed-out' })
}
