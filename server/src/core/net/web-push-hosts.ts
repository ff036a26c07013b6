// The push services browsers hand out Web Push endpoints for. A subscription's endpoint is a URL
// a browser (so, anyone) chooses: only these hosts, plus WEBPUSH_ALLOWED_HOSTS, are ever called.
export const KNOWN_WEB_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com', // Chrome, Edge (Chromium), Opera, Samsung Internet
  'updates.push.services.mozilla.com', // Firefox
  '*.push.apple.com', // Safari 16+ (web.push.apple.com)
  '*.notify.windows.com', // legacy Edge (WNS)
]
