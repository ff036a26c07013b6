// The inbox's texts in English and Persian (formats: embed-kit/texts).
import { makeTexts, type Locale, type Texts } from '../embed-kit/texts'

const en = {
  bell: 'Notifications',
  bellUnread: 'Notifications, {count} unread',
  heading: 'Notifications',
  close: 'Close notifications',
  markAll: 'Mark all as read',
  markRead: 'Mark as read: {title}',
  archive: 'Archive: {title}',
  unread: 'Unread',
  empty: 'No notifications yet.',
  loading: 'Loading…',
  more: 'Show more',
  preferences: 'Notification settings',
  errIdentity: 'We could not confirm who you are. Reload the page and try again.',
  errNetwork: 'No connection. Check your internet and try again.',
  errGeneric: 'Something went wrong. Try again.',
  retry: 'Try again',
}

export type Key = keyof typeof en

const fa: Record<Key, string> = {
  bell: 'اعلان‌ها',
  bellUnread: 'اعلان‌ها، {count} خوانده‌نشده',
  heading: 'اعلان‌ها',
  close: 'بستن اعلان‌ها',
  markAll: 'خواندن همه',
  markRead: 'خوانده شد: {title}',
  archive: 'بایگانی: {title}',
  unread: 'خوانده‌نشده',
  empty: 'هنوز اعلانی نیست.',
  loading: 'در حال بارگیری…',
  more: 'بیشتر',
  preferences: 'تنظیمات اعلان‌ها',
  errIdentity: 'هویت شما تأیید نشد. صفحه را دوباره بارگیری کنید و دوباره تلاش کنید.',
  errNetwork: 'اتصال برقرار نیست. اینترنت خود را بررسی کنید و دوباره تلاش کنید.',
  errGeneric: 'مشکلی پیش آمد. دوباره تلاش کنید.',
  retry: 'دوباره',
}

export type InboxTexts = Texts<Key>

export const texts = (locale: Locale): InboxTexts => makeTexts(locale, locale === 'fa' ? fa : en)
