// The console's sections as its sidebar (and the phone's drawer) lists them, in groups. A module
// that brings console pages (chat, payments, support) adds its entries here, with a new group
// if it needs one; the console home lists them too.
import type { MessageKey } from '../../i18n'
import type { IconName } from './icons'

export interface ConsoleSection {
  path: string
  label: MessageKey
  description: MessageKey
  /** The heading the section is listed under. */
  group: MessageKey
  icon: IconName
  /** Hidden from agents (and the router refuses them). */
  adminOnly: boolean
}

const PLATFORM: MessageKey = 'console.group.platform'
const NOTIFICATIONS: MessageKey = 'console.group.notifications'
const PAYMENTS: MessageKey = 'console.group.payments'
const WALLET: MessageKey = 'console.group.wallet'
const FRAUD: MessageKey = 'console.group.fraud'
const SUPPORT_SETUP: MessageKey = 'sadmin.group'
const SUPPORT_DESK: MessageKey = 'support.nav.group'

export const CONSOLE_SECTIONS: ConsoleSection[] = [
  { path: '/console/users', label: 'console.users', description: 'console.usersDesc', group: PLATFORM, icon: 'users', adminOnly: true },
  {
    path: '/console/api-keys',
    label: 'console.apiKeys',
    description: 'console.apiKeysDesc',
    group: PLATFORM,
    icon: 'key',
    adminOnly: true,
  },
  {
    path: '/console/identity',
    label: 'console.identity',
    description: 'console.identityDesc',
    group: PLATFORM,
    icon: 'identity',
    adminOnly: true,
  },
  { path: '/console/audit', label: 'console.audit', description: 'console.auditDesc', group: PLATFORM, icon: 'audit', adminOnly: true },
  { path: '/console/jobs', label: 'console.jobs', description: 'console.jobsDesc', group: PLATFORM, icon: 'jobs', adminOnly: true },
  {
    path: '/console/notifications',
    label: 'console.notificationTypes',
    description: 'console.notificationTypesDesc',
    group: NOTIFICATIONS,
    icon: 'bell',
    adminOnly: true,
  },
  {
    path: '/console/notifications/providers',
    label: 'console.providers',
    description: 'console.providersDesc',
    group: NOTIFICATIONS,
    icon: 'plug',
    adminOnly: true,
  },
  {
    path: '/console/notifications/activity',
    label: 'console.activity',
    description: 'console.activityDesc',
    group: NOTIFICATIONS,
    icon: 'activity',
    adminOnly: true,
  },
  {
    path: '/console/notifications/outbox',
    label: 'console.outbox',
    description: 'console.outboxDesc',
    group: NOTIFICATIONS,
    icon: 'mail',
    adminOnly: true,
  },
  {
    path: '/console/notifications/settings',
    label: 'console.notificationSettings',
    description: 'console.notificationSettingsDesc',
    group: NOTIFICATIONS,
    icon: 'sliders',
    adminOnly: true,
  },
  {
    path: '/console/payments',
    label: 'console.payments',
    description: 'console.paymentsDesc',
    group: PAYMENTS,
    icon: 'card',
    adminOnly: true,
  },
  {
    path: '/console/payments/refunds',
    label: 'console.refunds',
    description: 'console.refundsDesc',
    group: PAYMENTS,
    icon: 'refund',
    adminOnly: true,
  },
  {
    path: '/console/payments/analytics',
    label: 'console.paymentAnalytics',
    description: 'console.paymentAnalyticsDesc',
    group: PAYMENTS,
    icon: 'chart',
    adminOnly: true,
  },
  {
    path: '/console/payments/gateways',
    label: 'console.gateways',
    description: 'console.gatewaysDesc',
    group: PAYMENTS,
    icon: 'bank',
    adminOnly: true,
  },
  {
    path: '/console/payments/settings',
    label: 'console.paymentSettings',
    description: 'console.paymentSettingsDesc',
    group: PAYMENTS,
    icon: 'route',
    adminOnly: true,
  },
  {
    path: '/console/wallet/withdrawals',
    label: 'console.withdrawals',
    description: 'console.withdrawalsDesc',
    group: WALLET,
    icon: 'withdraw',
    adminOnly: true,
  },
  {
    path: '/console/wallet/ledger',
    label: 'console.ledger',
    description: 'console.ledgerDesc',
    group: WALLET,
    icon: 'ledger',
    adminOnly: true,
  },
  {
    path: '/console/fraud/reviews',
    label: 'console.fraudReviews',
    description: 'console.fraudReviewsDesc',
    group: FRAUD,
    icon: 'identity',
    adminOnly: true,
  },
  {
    path: '/console/fraud/rules',
    label: 'console.fraudRules',
    description: 'console.fraudRulesDesc',
    group: FRAUD,
    icon: 'sliders',
    adminOnly: true,
  },
  // The support desk itself: the agents' inbox (and each ticket's page below it), live chats.
  {
    path: '/console/support',
    label: 'support.nav.inbox',
    description: 'support.nav.inboxDesc',
    group: SUPPORT_DESK,
    icon: 'mail',
    adminOnly: false,
  },
  {
    path: '/console/support/conversations',
    label: 'support.nav.conversations',
    description: 'support.nav.conversationsDesc',
    group: SUPPORT_DESK,
    icon: 'chat',
    adminOnly: false,
  },
  // Support desk setup and analytics: the canned responses and the dashboard are the agents' too.
  {
    path: '/console/support/analytics',
    label: 'sadmin.nav.analytics',
    description: 'sadmin.nav.analyticsDesc',
    group: SUPPORT_SETUP,
    icon: 'activity',
    adminOnly: false,
  },
  {
    path: '/console/support/canned',
    label: 'sadmin.nav.canned',
    description: 'sadmin.nav.cannedDesc',
    group: SUPPORT_SETUP,
    icon: 'audit',
    adminOnly: false,
  },
  {
    path: '/console/support/macros',
    label: 'sadmin.nav.macros',
    description: 'sadmin.nav.macrosDesc',
    group: SUPPORT_SETUP,
    icon: 'jobs',
    adminOnly: true,
  },
  {
    path: '/console/support/sites',
    label: 'sadmin.nav.sites',
    description: 'sadmin.nav.sitesDesc',
    group: SUPPORT_SETUP,
    icon: 'globe',
    adminOnly: true,
  },
  {
    path: '/console/support/teams',
    label: 'sadmin.nav.teams',
    description: 'sadmin.nav.teamsDesc',
    group: SUPPORT_SETUP,
    icon: 'users',
    adminOnly: true,
  },
  {
    path: '/console/support/settings',
    label: 'sadmin.nav.settings',
    description: 'sadmin.nav.settingsDesc',
    group: SUPPORT_SETUP,
    icon: 'sliders',
    adminOnly: true,
  },
]
