// The header's bell: a link to the inbox whose name says how many items are unread, a badge
// with the same number, and a polite live region that announces items as they arrive.
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useRealtimeEvent } from '../auth/live'
import { useLiveNotifications, useUnreadCount } from './queries'

export function Bell() {
  const { t, formatNumber } = useI18n()
  useLiveNotifications()
  const count = useUnreadCount()
  const [announcement, setAnnouncement] = useState<string | null>(null)
  useRealtimeEvent('notification:new', ({ item }) => setAnnouncement(t('bell.arrived', { title: item.title })))

  const label = count ? t('bell.labelUnread', { count }) : t('bell.label')
  const badge = count ? (count > 99 ? `${formatNumber(99)}+` : formatNumber(count)) : null
  return (
    <>
      <Link to="/notifications" className="bell" aria-label={label} title={label}>
        <svg
          aria-hidden="true"
          focusable="false"
          width="22"
          height="22"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {badge && (
          <span className="badge" aria-hidden="true">
            {badge}
          </span>
        )}
      </Link>
      <div className="visually-hidden" role="status">
        {announcement}
      </div>
    </>
  )
}
