// The widget's texts in English and Persian, and the number and time formats of each. Kept apart
// from the web app's catalogue: the widget is a separate bundle and carries only what it shows.
export type Locale = 'en' | 'fa'

const en = {
  open: 'Chat with us',
  openUnread: 'Chat with us, {count} unread',
  close: 'Close chat',
  online: 'Online',
  offline: 'Offline',
  loading: 'Loading…',
  conversations: 'Your conversations',
  newConversation: 'New conversation',
  noMessages: 'No messages yet',
  attachment: 'A file',
  unread: '{count} unread',
  closed: 'Closed',
  back: 'Back to conversations',
  prechatIntro: 'Tell us who you are if you like, then write your message.',
  name: 'Name (optional)',
  emailOptional: 'Email (optional)',
  startChat: 'Start chat',
  messages: 'Messages',
  you: 'You',
  agent: 'Support',
  emptyThread: 'Write your message below.',
  closedThread: 'This conversation is closed. Start a new one to write again.',
  messageLabel: 'Your message',
  composerHint: 'Enter sends, Shift+Enter starts a new line.',
  send: 'Send',
  attach: 'Attach a file',
  removeFile: 'Remove {name}',
  uploading: 'Uploading {name}…',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Send again',
  earlier: 'Earlier messages',
  typing: 'Support is typing…',
  offlineIntro: 'We are away right now. Leave a message and we will answer by email.',
  email: 'Email',
  message: 'Message',
  sendMessage: 'Send message',
  thanks: 'Thank you! Your request number is {number}. We will answer by email.',
  errOrigin: 'Chat is not enabled on this website.',
  errIdentity: 'Please sign in to chat with us.',
  errSignature: 'We could not confirm who you are. Reload the page and try again.',
  errAuth: 'Chat is not available to you right now.',
  errFile: 'This file cannot be sent. Send images, PDF, Word, Excel, ZIP or text files.',
  errNetwork: 'No connection. Check your internet and try again.',
  errGeneric: 'Something went wrong. Try again.',
}

export type Key = keyof typeof en

const fa: Record<Key, string> = {
  open: 'گفتگو با ما',
  openUnread: 'گفتگو با ما، {count} پیام خوانده‌نشده',
  close: 'بستن گفتگو',
  online: 'برخط',
  offline: 'برون‌خط',
  loading: 'در حال بارگیری…',
  conversations: 'گفتگوهای شما',
  newConversation: 'گفتگوی تازه',
  noMessages: 'هنوز پیامی نیست',
  attachment: 'یک پرونده',
  unread: '{count} خوانده‌نشده',
  closed: 'بسته‌شده',
  back: 'بازگشت به گفتگوها',
  prechatIntro: 'اگر مایلید خودتان را معرفی کنید، سپس پیامتان را بنویسید.',
  name: 'نام (اختیاری)',
  emailOptional: 'ایمیل (اختیاری)',
  startChat: 'شروع گفتگو',
  messages: 'پیام‌ها',
  you: 'شما',
  agent: 'پشتیبانی',
  emptyThread: 'پیامتان را در پایین بنویسید.',
  closedThread: 'این گفتگو بسته شده است. برای نوشتن دوباره، گفتگوی تازه‌ای شروع کنید.',
  messageLabel: 'پیام شما',
  composerHint: 'Enter می‌فرستد و Shift+Enter سطر تازه می‌سازد.',
  send: 'فرستادن',
  attach: 'پیوست کردن پرونده',
  removeFile: 'برداشتن {name}',
  uploading: 'در حال بارگذاری {name}…',
  sending: 'در حال فرستادن…',
  failed: 'فرستاده نشد',
  retry: 'دوباره بفرست',
  earlier: 'پیام‌های پیشین',
  typing: 'پشتیبانی در حال نوشتن است…',
  offlineIntro: 'الان در دسترس نیستیم. پیامتان را بگذارید تا با ایمیل پاسخ دهیم.',
  email: 'ایمیل',
  message: 'پیام',
  sendMessage: 'فرستادن پیام',
  thanks: 'سپاس! شمارهٔ درخواست شما {number} است. با ایمیل پاسخ می‌دهیم.',
  errOrigin: 'گفتگو در این وبگاه فعال نیست.',
  errIdentity: 'برای گفتگو با ما، وارد حساب خود شوید.',
  errSignature: 'هویت شما تأیید نشد. صفحه را دوباره بارگیری کنید و دوباره تلاش کنید.',
  errAuth: 'گفتگو اکنون برای شما در دسترس نیست.',
  errFile: 'این پرونده فرستادنی نیست. تصویر، PDF، Word، Excel، ZIP یا پروندهٔ متنی بفرستید.',
  errNetwork: 'اتصال برقرار نیست. اینترنت خود را بررسی کنید و دوباره تلاش کنید.',
  errGeneric: 'مشکلی پیش آمد. دوباره تلاش کنید.',
}

export const isLocale = (value: unknown): value is Locale => value === 'en' || value === 'fa'

export interface Texts {
  locale: Locale
  dir: 'ltr' | 'rtl'
  /** The text of `key`, with `{name}` placeholders filled; numbers in the locale's digits. */
  t(key: Key, vars?: Record<string, string | number>): string
  /** A number in the locale's digits (Persian digits in fa), without grouping (ticket numbers). */
  num(value: number): string
  /** A message time: the time of day, with the date when it is not today. */
  time(iso: string): string
}

export function texts(locale: Locale): Texts {
  // fa-IR gives Persian digits and the Solar Hijri calendar; Persian readers get Tehran time.
  const tag = locale === 'fa' ? 'fa-IR' : 'en-GB'
  const timeZone = locale === 'fa' ? 'Asia/Tehran' : undefined
  const digits = new Intl.NumberFormat(tag, { useGrouping: false })
  const clock = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' })
  const dated = new Intl.DateTimeFormat(tag, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' })
  const dictionary = locale === 'fa' ? fa : en
  const num = (value: number) => digits.format(value)
  return {
    locale,
    dir: locale === 'fa' ? 'rtl' : 'ltr',
    num,
    t: (key, vars = {}) =>
      dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = vars[name]
        return typeof value === 'number' ? num(value) : (value ?? '')
      }),
    time(iso) {
      const date = new Date(iso)
      return (day.format(date) === day.format(new Date()) ? clock : dated).format(date)
    },
  }
}
