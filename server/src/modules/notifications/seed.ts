// Caravan's own notification types, with fa and en templates, created at start when missing.
// Admins may edit them (new template versions); they cannot delete them.
import type { Catalog } from './catalog'
import type { Category, NotifyChannel } from './tables'
import type { TemplateContent } from './templates'
import { SUPPORT_TYPES } from './seed-support'

export interface SeedType {
  key: string
  name: string
  category: Category
  critical: boolean
  channels: NotifyChannel[]
  templates: Partial<Record<NotifyChannel, Record<'fa' | 'en', TemplateContent>>>
}

export const SYSTEM_TYPES: SeedType[] = [
  {
    key: 'account.welcome',
    name: 'Welcome',
    category: 'transactional',
    critical: false,
    channels: ['in_app', 'email'],
    templates: {
      in_app: {
        en: {
          title: 'Welcome to {{ brand.name }}',
          body: 'Your account is ready{% if user.name %}, {{ user.name }}{% endif %}. Set how you want to hear from us in your notification settings.',
          actionUrl: '/settings/notifications',
        },
        fa: {
          title: 'به {{ brand.name }} خوش آمدید',
          body: 'حساب شما آماده است{% if user.name %}، {{ user.name }}{% endif %}. در تنظیمات اعلان‌ها مشخص کنید چگونه از ما خبر بگیرید.',
          actionUrl: '/settings/notifications',
        },
      },
      email: {
        en: {
          subject: 'Welcome to {{ brand.name }}',
          html: '<h1>Welcome{% if user.name %}, {{ user.name }}{% endif %}!</h1><p>Your {{ brand.name }} account is ready.</p><p><a href="{{ brand.url }}">Open {{ brand.name }}</a></p>',
          text: 'Welcome{% if user.name %}, {{ user.name }}{% endif %}! Your {{ brand.name }} account is ready: {{ brand.url }}',
        },
        fa: {
          subject: 'به {{ brand.name }} خوش آمدید',
          html: '<h1>خوش آمدید{% if user.name %}، {{ user.name }}{% endif %}!</h1><p>حساب {{ brand.name }} شما آماده است.</p><p><a href="{{ brand.url }}">ورود به {{ brand.name }}</a></p>',
          text: 'خوش آمدید{% if user.name %}، {{ user.name }}{% endif %}! حساب {{ brand.name }} شما آماده است: {{ brand.url }}',
        },
      },
    },
  },
  {
    key: 'account.role_changed',
    name: 'Role changed',
    category: 'security',
    critical: true,
    channels: ['in_app', 'email'],
    templates: {
      in_app: {
        en: { title: 'Your role changed', body: 'You are now: {{ to }} (was {{ from }}). Sign in again to use it.' },
        fa: { title: 'نقش شما تغییر کرد', body: 'نقش جدید شما: {{ to }} (قبلاً {{ from }}). برای استفاده از آن دوباره وارد شوید.' },
      },
      email: {
        en: {
          subject: 'Your {{ brand.name }} role changed',
          html: '<p>Your role is now <strong>{{ to }}</strong> (it was {{ from }}).</p><p>If you did not expect this, contact an administrator.</p>',
          text: 'Your role is now {{ to }} (it was {{ from }}). If you did not expect this, contact an administrator.',
        },
        fa: {
          subject: 'نقش شما در {{ brand.name }} تغییر کرد',
          html: '<p>نقش شما اکنون <strong>{{ to }}</strong> است (قبلاً {{ from }}).</p><p>اگر انتظار این تغییر را نداشتید، با مدیر تماس بگیرید.</p>',
          text: 'نقش شما اکنون {{ to }} است (قبلاً {{ from }}). اگر انتظار این تغییر را نداشتید، با مدیر تماس بگیرید.',
        },
      },
    },
  },
  {
    key: 'account.verify_email',
    name: 'Verify e-mail address',
    category: 'security',
    critical: true,
    channels: ['email'],
    templates: {
      email: {
        en: {
          subject: 'Confirm your e-mail address for {{ brand.name }}',
          html: '<h1>Confirm your address{% if user.name %}, {{ user.name }}{% endif %}</h1><p>Open this link to finish creating your {{ brand.name }} account. It works for 48 hours.</p><p><a href="{{ verifyUrl }}">Confirm my e-mail address</a></p><p>If you did not sign up, ignore this e-mail.</p>',
          text: 'Confirm your e-mail address to finish creating your {{ brand.name }} account (the link works for 48 hours): {{ verifyUrl }}\nIf you did not sign up, ignore this e-mail.',
        },
        fa: {
          subject: 'تأیید نشانی ایمیل شما در {{ brand.name }}',
          html: '<h1>نشانی ایمیل خود را تأیید کنید{% if user.name %}، {{ user.name }}{% endif %}</h1><p>برای تکمیل ساخت حساب {{ brand.name }} این پیوند را باز کنید. پیوند تا ۴۸ ساعت معتبر است.</p><p><a href="{{ verifyUrl }}">تأیید نشانی ایمیل</a></p><p>اگر شما ثبت‌نام نکرده‌اید، این ایمیل را نادیده بگیرید.</p>',
          text: 'برای تکمیل ساخت حساب {{ brand.name }} نشانی ایمیل خود را تأیید کنید (پیوند تا ۴۸ ساعت معتبر است): {{ verifyUrl }}\nاگر شما ثبت‌نام نکرده‌اید، این ایمیل را نادیده بگیرید.',
        },
      },
    },
  },
  {
    key: 'account.password_reset',
    name: 'Password reset',
    category: 'security',
    critical: true,
    channels: ['email'],
    templates: {
      email: {
        en: {
          subject: 'Set a new password for {{ brand.name }}',
          html: '<h1>Set a new password{% if user.name %}, {{ user.name }}{% endif %}</h1><p>Someone asked to set a new password for your {{ brand.name }} account. The link works for one hour, once.</p><p><a href="{{ resetUrl }}">Set a new password</a></p><p>If it was not you, ignore this e-mail: your password stays as it is.</p>',
          text: 'Someone asked to set a new password for your {{ brand.name }} account. Open this link within one hour (it works once): {{ resetUrl }}\nIf it was not you, ignore this e-mail: your password stays as it is.',
        },
        fa: {
          subject: 'گذرواژهٔ تازه برای {{ brand.name }}',
          html: '<h1>گذرواژهٔ تازه بگذارید{% if user.name %}، {{ user.name }}{% endif %}</h1><p>درخواستی برای گذاشتن گذرواژهٔ تازه برای حساب {{ brand.name }} شما رسیده است. این پیوند تا یک ساعت و فقط یک بار کار می‌کند.</p><p><a href="{{ resetUrl }}">گذاشتن گذرواژهٔ تازه</a></p><p>اگر شما درخواست نکرده‌اید، این ایمیل را نادیده بگیرید؛ گذرواژهٔ شما تغییر نمی‌کند.</p>',
          text: 'درخواستی برای گذاشتن گذرواژهٔ تازه برای حساب {{ brand.name }} شما رسیده است. این پیوند را تا یک ساعت باز کنید (فقط یک بار کار می‌کند): {{ resetUrl }}\nاگر شما درخواست نکرده‌اید، این ایمیل را نادیده بگیرید؛ گذرواژهٔ شما تغییر نمی‌کند.',
        },
      },
    },
  },
  {
    key: 'chat.message',
    name: 'New chat messages',
    category: 'chat',
    critical: false,
    // Sent by the chat module to members who are offline, at most once per conversation every few minutes.
    channels: ['in_app', 'push', 'email'],
    templates: {
      in_app: {
        en: {
          title: '{{ senderName | default: "Someone" }} in {{ conversationName | default: "a conversation" }}',
          body: '{{ preview }}',
          actionUrl: '/chat/{{ conversationId }}',
        },
        fa: {
          title: '{{ senderName | default: "کسی" }} در {{ conversationName | default: "گفت‌وگو" }}',
          body: '{{ preview }}',
          actionUrl: '/chat/{{ conversationId }}',
        },
      },
      push: {
        en: { title: '{{ senderName | default: "New message" }}', body: '{{ preview }}' },
        fa: { title: '{{ senderName | default: "پیام تازه" }}', body: '{{ preview }}' },
      },
      email: {
        en: {
          subject: 'New messages from {{ senderName | default: "your conversations" }}',
          html: '<p>{{ senderName | default: "Someone" }} wrote{% if conversationName %} in {{ conversationName }}{% endif %}:</p><blockquote>{{ preview }}</blockquote><p><a href="{{ brand.url }}/chat/{{ conversationId }}">Open the conversation</a></p>',
          text: '{{ senderName | default: "Someone" }} wrote{% if conversationName %} in {{ conversationName }}{% endif %}:\n{{ preview }}\n{{ brand.url }}/chat/{{ conversationId }}',
        },
        fa: {
          subject: 'پیام تازه از {{ senderName | default: "گفت‌وگوهای شما" }}',
          html: '<p dir="rtl">{{ senderName | default: "کسی" }}{% if conversationName %} در {{ conversationName }}{% endif %} نوشت:</p><blockquote dir="rtl">{{ preview }}</blockquote><p dir="rtl"><a href="{{ brand.url }}/chat/{{ conversationId }}">باز کردن گفت‌وگو</a></p>',
          text: '{{ senderName | default: "کسی" }}{% if conversationName %} در {{ conversationName }}{% endif %} نوشت:\n{{ preview }}\n{{ brand.url }}/chat/{{ conversationId }}',
        },
      },
    },
  },
]
export async function seedSystemTypes(catalog: Catalog) {
  for (const seed of [...SYSTEM_TYPES, ...SUPPORT_TYPES]) {
    if (!(await catalog.findType(seed.key))) {
      await catalog.createType('system', seed, true).catch((e) => {
        if (e?.type !== 'conflict') throw e
      })
    }
    const existing = await catalog.templateVersions(seed.key)
    for (const [channel, byLocale] of Object.entries(seed.templates) as [NotifyChannel, Record<'fa' | 'en', TemplateContent>][]) {
      for (const locale of ['fa', 'en'] as const) {
        if (!existing.some((t) => t.channel === channel && t.locale === locale))
          await catalog.saveTemplate('system', seed.key, channel, locale, byLocale[locale])
      }
    }
  }
}
