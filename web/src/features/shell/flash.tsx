// A notice carried across one navigation: a page that finishes something and moves on (the
// /verify-email page, to the home page) says what happened on the page it lands on.
import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n'
import { navigate, useLocation } from '../../navigation'
import { StatusMessage, type Say } from '../../ui/messages'

interface Notice {
  path: string
  say: Say
}

let pending: Notice | null = null

/** Goes to `to` and shows `say` there, until the next navigation. */
export function navigateWithNotice(to: string, say: Say, options: { replace?: boolean } = {}) {
  pending = { path: new URL(to, location.origin).pathname, say }
  navigate(to, options)
}

/** Where a page shows a notice left for it (Page renders one under its heading). */
export function FlashNotice() {
  const { t } = useI18n()
  const { pathname } = useLocation()
  const [shown, setShown] = useState<Notice | null>(null)
  // Taken after the first render, so the live region is there empty first and screen readers
  // announce the text when it appears.
  useEffect(() => {
    if (!pending) return
    if (pending.path === pathname) setShown(pending)
    pending = null
  }, [pathname])
  return <StatusMessage message={shown && shown.path === pathname ? shown.say(t) : null} />
}
