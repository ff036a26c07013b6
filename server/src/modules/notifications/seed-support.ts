// The support desk's notification types (category support): sent by the support module's
// support-notify job. Agents hear of assignments and SLA alerts; customers of replies and the rating request.
import type { SeedType } from './seed'

const ticketUrl = '/support/tickets/{{ ticketId }}'
const consoleUrl = '/console/support/tickets/{{ ticketId }}'
const metricEn =
  '{% case metric %}{% when "first_response" %}first response{% when "next_response" %}next response{% else %}resolution{% endcase %}'
const metricFa =
  '{% case metric %}{% when "first_response" %}نخستین پاسخ{% when "next_response" %}پاسخ بعدی{% else %}حل درخواست{% endcase %}'

export const SUPPORT_TYPES: SeedType[] = [
  {
    key: 'support.ticket_assigned',
    name: 'Ticket assigned to me',
    category: 'support',
    critical: false,
    channels: ['in_app', 'push', 'email'],
    templates: {
      in_app: {
        en: { title: 'Ticket #{{ number }} is yours', body: '{{ subject }} ({{ priority }})', actionUrl: consoleUrl },
        fa: { title: 'درخواست #{{ number | fa_digits }} به شما سپرده شد', body: '{{ subject }}', actionUrl: consoleUrl },
      },
      push: {
        en: { title: 'Ticket #{{ number }} is yours', body: '{{ subject }}' },
        fa: { title: 'درخواست #{{ number | fa_digits }} به شما سپرده شد', body: '{{ subject }}' },
      },
      email: {
        en: {
          subject: 'Ticket #{{ number }} assigned to you: {{ subject }}',
          html:
            '<p>Ticket <strong>#{{ number }}</strong> ({{ subject }}) is assigned to you.</p><p><a href="{{ brand.url }}' +
            consoleUrl +
            '">Open the ticket</a></p>',
          text: 'Ticket #{{ number }} ({{ subject }}) is assigned to you.\n{{ brand.url }}' + consoleUrl,
        },
        fa: {
          subject: 'درخواست #{{ number | fa_digits }} به شما سپرده شد: {{ subject }}',
          html:
            '<p dir="rtl">درخواست <strong>#{{ number | fa_digits }}</strong> ({{ subject }}) به شما سپرده شد.</p><p dir="rtl"><a href="{{ brand.url }}' +
            consoleUrl +
            '">باز کردن درخواست</a></p>',
          text: 'درخواست #{{ number | fa_digits }} ({{ subject }}) به شما سپرده شد.\n{{ brand.url }}' + consoleUrl,
        },
      },
    },
  },
  {
    key: 'support.ticket_reply',
    name: 'Replies to my support requests',
    category: 'support',
    critical: false,
    channels: ['in_app', 'push', 'email'],
    templates: {
      in_app: {
        en: { title: 'Support replied to #{{ number }}', body: '{{ preview }}', actionUrl: ticketUrl },
        fa: { title: 'پاسخ پشتیبانی به درخواست #{{ number | fa_digits }}', body: '{{ preview }}', actionUrl: ticketUrl },
      },
      push: {
        en: { title: 'Support replied to #{{ number }}', body: '{{ preview }}' },
        fa: { title: 'پاسخ پشتیبانی به درخواست #{{ number | fa_digits }}', body: '{{ preview }}' },
      },
      email: {
        en: {
          subject: 'Re: {{ subject }} [#{{ number }}]',
          html:
            '<p>Our support team replied to your request <strong>#{{ number }}</strong>:</p><blockquote>{{ preview }}</blockquote><p><a href="{{ brand.url }}' +
            ticketUrl +
            '">See the whole conversation and reply</a></p>',
          text: 'Our support team replied to your request #{{ number }}:\n{{ preview }}\n{{ brand.url }}' + ticketUrl,
        },
        fa: {
          subject: 'پاسخ: {{ subject }} [#{{ number | fa_digits }}]',
          html:
            '<p dir="rtl">تیم پشتیبانی به درخواست <strong>#{{ number | fa_digits }}</strong> شما پاسخ داد:</p><blockquote dir="rtl">{{ preview }}</blockquote><p dir="rtl"><a href="{{ brand.url }}' +
            ticketUrl +
            '">دیدن همهٔ گفت‌وگو و پاسخ دادن</a></p>',
          text: 'تیم پشتیبانی به درخواست #{{ number | fa_digits }} شما پاسخ داد:\n{{ preview }}\n{{ brand.url }}' + ticketUrl,
        },
      },
    },
  },
  {
    key: 'support.csat_request',
    name: 'How did we do?',
    category: 'support',
    critical: false,
    channels: ['in_app', 'email'],
    templates: {
      in_app: {
        en: {
          title: 'How did we do on #{{ number }}?',
          body: 'Rate our answer to "{{ subject }}" from 1 to 5.',
          actionUrl: ticketUrl + '?rate=1',
        },
        fa: {
          title: 'پاسخ ما به درخواست #{{ number | fa_digits }} چطور بود؟',
          body: 'به پاسخ ما دربارهٔ «{{ subject }}» از ۱ تا ۵ امتیاز دهید.',
          actionUrl: ticketUrl + '?rate=1',
        },
      },
      email: {
        en: {
          subject: 'How did we do? [#{{ number }}]',
          html:
            '<p>Your request <strong>#{{ number }}</strong> ({{ subject }}) is solved. How did we do?</p><p><a href="{{ brand.url }}' +
            ticketUrl +
            '?rate=1">Rate our answer (1–5)</a></p>',
          text:
            'Your request #{{ number }} ({{ subject }}) is solved. How did we do? Rate our answer (1–5): {{ brand.url }}' +
            ticketUrl +
            '?rate=1',
        },
        fa: {
          subject: 'پاسخ ما چطور بود؟ [#{{ number | fa_digits }}]',
          html:
            '<p dir="rtl">درخواست <strong>#{{ number | fa_digits }}</strong> شما ({{ subject }}) حل شد. پاسخ ما چطور بود؟</p><p dir="rtl"><a href="{{ brand.url }}' +
            ticketUrl +
            '?rate=1">امتیاز دادن (۱ تا ۵)</a></p>',
          text:
            'درخواست #{{ number | fa_digits }} شما ({{ subject }}) حل شد. پاسخ ما چطور بود؟ امتیاز دهید (۱ تا ۵): {{ brand.url }}' +
            ticketUrl +
            '?rate=1',
        },
      },
    },
  },
  {
    key: 'support.sla_alert',
    name: 'SLA warnings and breaches',
    category: 'support',
    critical: false,
    channels: ['in_app', 'push'],
    templates: {
      in_app: {
        en: {
          title: '{% if level == "breached" %}SLA breached{% else %}SLA due soon{% endif %}: #{{ number }}',
          body:
            'The ' +
            metricEn +
            ' target of "{{ subject }}" {% if level == "breached" %}passed{% else %}is due{% endif %} at {{ dueAt | datetime }}.',
          actionUrl: consoleUrl,
        },
        fa: {
          title: '{% if level == "breached" %}مهلت SLA گذشت{% else %}مهلت SLA نزدیک است{% endif %}: #{{ number | fa_digits }}',
          body:
            'مهلت ' +
            metricFa +
            ' برای «{{ subject }}» {% if level == "breached" %}در {{ dueAt | datetime }} گذشت{% else %}{{ dueAt | datetime }} است{% endif %}.',
          actionUrl: consoleUrl,
        },
      },
      push: {
        en: { title: '{% if level == "breached" %}SLA breached{% else %}SLA due soon{% endif %}: #{{ number }}', body: '{{ subject }}' },
        fa: {
          title: '{% if level == "breached" %}مهلت SLA گذشت{% else %}مهلت SLA نزدیک است{% endif %}: #{{ number | fa_digits }}',
          body: '{{ subject }}',
        },
      },
    },
  },
]
