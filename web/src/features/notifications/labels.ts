// The notification vocabulary the pages share, in the server's order.
import type { DeliveryStatus, NotificationCategory, NotificationChannel, NotificationRun } from '@caravan/sdk'

export const CHANNELS: readonly NotificationChannel[] = ['in_app', 'email', 'sms', 'push']
export const CATEGORIES: readonly NotificationCategory[] = ['transactional', 'security', 'chat', 'support', 'payments', 'marketing']
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'queued',
  'sending',
  'sent',
  'delivered',
  'opened',
  'failed',
  'bounced',
  'suppressed',
]
/** Channels that wait for quiet hours to end (in-app and email arrive silently anyway). */
export const QUIET_CHANNELS: readonly NotificationChannel[] = ['push', 'sms']
export const RUN_STATUSES: readonly NotificationRun['status'][] = [
  'running',
  'waiting',
  'digesting',
  'completed',
  'merged',
  'throttled',
  'cancelled',
  'failed',
]
