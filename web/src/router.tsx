// The route table and its guards. Access levels: guest pages (sign-in, sign-up) send signed-in
// people on; public pages (the e-mail verification and password reset links) show to anyone;
// everything else needs a session; console pages need the agent or admin role.
import type { Role } from '@caravan/sdk'
import { Suspense, useCallback, useEffect, useRef, type ReactNode } from 'react'
import { useLiveUser } from './features/auth/live'
import { useSession } from './features/auth/session'
import { ConsoleShell } from './features/console/ConsoleShell'
import { ErrorBoundary } from './features/shell/ErrorBoundary'
import { lazyPage } from './features/shell/lazyPage'
import { Layout } from './features/shell/Layout'
import { MODULES } from './features/shell/modules'
import { PageLoading } from './features/shell/PageLoading'
import { ComingSoon, Forbidden, NotFound } from './features/shell/StatusPages'
import { Redirect, safePath, useLocation } from './navigation'

// auth
const SignIn = lazyPage(() => import('./features/auth/SignIn'), 'SignIn')
const SignUp = lazyPage(() => import('./features/auth/SignUp'), 'SignUp')
const VerifyEmail = lazyPage(() => import('./features/auth/VerifyEmail'), 'VerifyEmail')
const ForgotPassword = lazyPage(() => import('./features/auth/ForgotPassword'), 'ForgotPassword')
const ResetPassword = lazyPage(() => import('./features/auth/ResetPassword'), 'ResetPassword')
// account
const Home = lazyPage(() => import('./features/account/Home'), 'Home')
const Profile = lazyPage(() => import('./features/account/Profile'), 'Profile')
const Devices = lazyPage(() => import('./features/account/Devices'), 'Devices')
// notifications (customer)
const Inbox = lazyPage(() => import('./features/notifications/Inbox'), 'Inbox')
const NotificationPreferencesPage = lazyPage(() => import('./features/notifications/Preferences'), 'NotificationPreferencesPage')
// payments (customer)
const Checkout = lazyPage(() => import('./features/payments/Checkout'), 'Checkout')
const PaymentResult = lazyPage(() => import('./features/payments/PaymentResult'), 'PaymentResult')
const PaymentHistory = lazyPage(() => import('./features/payments/PaymentHistory'), 'PaymentHistory')
// wallet
const WalletPage = lazyPage(() => import('./features/wallet/Wallet'), 'WalletPage')
const WalletCheckout = lazyPage(() => import('./features/wallet/WalletCheckout'), 'WalletCheckout')
// chat
const ChatPage = lazyPage(() => import('./features/chat/ChatPage'), 'ChatPage')
// console (admin)
const ConsoleHome = lazyPage(() => import('./features/console/ConsoleHome'), 'ConsoleHome')
const Users = lazyPage(() => import('./features/admin/Users'), 'Users')
const ApiKeys = lazyPage(() => import('./features/admin/ApiKeys'), 'ApiKeys')
const IdentitySecrets = lazyPage(() => import('./features/admin/IdentitySecrets'), 'IdentitySecrets')
const Audit = lazyPage(() => import('./features/admin/Audit'), 'Audit')
const DeadJobs = lazyPage(() => import('./features/admin/DeadJobs'), 'DeadJobs')
// notifications (console)
const NotificationTypes = lazyPage(() => import('./features/notifications/console/Types'), 'NotificationTypes')
const TemplateEditor = lazyPage(() => import('./features/notifications/console/TemplateEditor'), 'TemplateEditor')
const Providers = lazyPage(() => import('./features/notifications/console/Providers'), 'Providers')
const Activity = lazyPage(() => import('./features/notifications/console/Activity'), 'Activity')
const DevOutbox = lazyPage(() => import('./features/notifications/console/DevOutbox'), 'DevOutbox')
const NotificationSettingsPage = lazyPage(() => import('./features/notifications/console/Settings'), 'NotificationSettingsPage')
// payments (console)
const ConsolePayments = lazyPage(() => import('./features/payments/console/ConsolePayments'), 'ConsolePayments')
const ConsolePaymentDetail = lazyPage(() => import('./features/payments/console/ConsolePaymentDetail'), 'ConsolePaymentDetail')
const RefundQueue = lazyPage(() => import('./features/payments/console/RefundQueue'), 'RefundQueue')
const PaymentAnalyticsPage = lazyPage(() => import('./features/payments/console/PaymentAnalytics'), 'PaymentAnalyticsPage')
const Gateways = lazyPage(() => import('./features/payments/console/Gateways'), 'Gateways')
const PaymentSettingsPage = lazyPage(() => import('./features/payments/console/PaymentSettings'), 'PaymentSettingsPage')
// wallet (console)
const WithdrawalQueue = lazyPage(() => import('./features/wallet/console/WithdrawalQueue'), 'WithdrawalQueue')
const LedgerExplorer = lazyPage(() => import('./features/wallet/console/LedgerExplorer'), 'LedgerExplorer')
const LedgerAccountPage = lazyPage(() => import('./features/wallet/console/LedgerAccountPage'), 'LedgerAccountPage')
const LedgerTransferPage = lazyPage(() => import('./features/wallet/console/LedgerTransferPage'), 'LedgerTransferPage')
// fraud (console)
const ReviewQueue = lazyPage(() => import('./features/fraud/ReviewQueue'), 'ReviewQueue')
const FraudRulesPage = lazyPage(() => import('./features/fraud/FraudRulesPage'), 'FraudRulesPage')
// support desk setup and analytics (console)
const SupportTeams = lazyPage(() => import('./features/support/admin/Teams'), 'SupportTeams')
const SupportSettingsPage = lazyPage(() => import('./features/support/admin/SupportSettings'), 'SupportSettingsPage')
const CannedResponses = lazyPage(() => import('./features/support/admin/CannedResponses'), 'CannedResponses')
const Macros = lazyPage(() => import('./features/support/admin/Macros'), 'Macros')
const WidgetSites = lazyPage(() => import('./features/support/admin/Sites'), 'Sites')
const SupportAnalyticsPage = lazyPage(() => import('./features/support/analytics/Dashboard'), 'SupportAnalyticsPage')
// support desk (customer and agents)
const MyTickets = lazyPage(() => import('./features/support/MyTickets'), 'MyTickets')
const TicketPage = lazyPage(() => import('./features/support/TicketPage'), 'TicketPage')
const SupportInbox = lazyPage(() => import('./features/support/console/Inbox'), 'Inbox')
const TicketWorkspace = lazyPage(() => import('./features/support/console/TicketWorkspace'), 'TicketWorkspace')
const SupportConversations = lazyPage(() => import('./features/support/console/Conversations'), 'Conversations')

type Access = 'guest' | 'public' | 'signedIn' | Role[]

interface RouteDef {
  /** An exact path; a `:name` segment matches any one segment and is passed to page(). */
  path: string
  access: Access
  page: (params: Record<string, string>) => ReactNode
}

const STAFF: Role[] = ['agent', 'admin']
const ADMIN: Role[] = ['admin']

const routes: RouteDef[] = [
  { path: '/sign-in', access: 'guest', page: () => <SignIn /> },
  { path: '/sign-up', access: 'guest', page: () => <SignUp /> },
  // Public: the link signs in whoever opens it, even in a browser signed in to another account.
  { path: '/verify-email', access: 'public', page: () => <VerifyEmail /> },
  // Public too: a signed-in person may ask for a link, and a link signs in whoever opens it.
  { path: '/forgot-password', access: 'public', page: () => <ForgotPassword /> },
  { path: '/reset-password', access: 'public', page: () => <ResetPassword /> },
  { path: '/', access: 'signedIn', page: () => <Home /> },
  { path: '/profile', access: 'signedIn', page: () => <Profile /> },
  { path: '/devices', access: 'signedIn', page: () => <Devices /> },
  { path: '/notifications', access: 'signedIn', page: () => <Inbox /> },
  { path: '/settings/notifications', access: 'signedIn', page: () => <NotificationPreferencesPage /> },
  { path: '/pay', access: 'signedIn', page: () => <Checkout /> },
  // Where gateways send the payer back (a full page load: signed in from the stored session).
  { path: '/pay/result', access: 'signedIn', page: () => <PaymentResult /> },
  { path: '/payments', access: 'signedIn', page: () => <PaymentHistory /> },
  { path: '/wallet', access: 'signedIn', page: () => <WalletPage /> },
  // A payment made with gateway "wallet" is paid here (the wallet's "gateway page").
  { path: '/wallet/pay/:attemptId', access: 'signedIn', page: ({ attemptId }) => <WalletCheckout attemptId={attemptId} /> },
  { path: '/chat', access: 'signedIn', page: () => <ChatPage /> },
  { path: '/chat/:conversationId', access: 'signedIn', page: ({ conversationId }) => <ChatPage conversationId={conversationId} /> },
  { path: '/support', access: 'signedIn', page: () => <MyTickets /> },
  { path: '/support/tickets/:ticketId', access: 'signedIn', page: ({ ticketId }) => <TicketPage key={ticketId} id={ticketId} /> },
  ...MODULES.filter((m) => !m.ready).map((m): RouteDef => ({ path: m.path, access: 'signedIn', page: () => <ComingSoon module={m} /> })),
  {
    path: '/console',
    access: STAFF,
    page: () => (
      <ConsoleShell>
        <ConsoleHome />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/users',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Users />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/api-keys',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <ApiKeys />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/identity',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <IdentitySecrets />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/audit',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Audit />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/jobs',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <DeadJobs />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <NotificationTypes />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications/types/:key',
    access: ADMIN,
    page: ({ key }) => (
      <ConsoleShell>
        <TemplateEditor typeKey={key} />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications/providers',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Providers />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications/activity',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Activity />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications/outbox',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <DevOutbox />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/notifications/settings',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <NotificationSettingsPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/payments',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <ConsolePayments />
      </ConsoleShell>
    ),
  },
  // Fixed paths first: /console/payments/refunds is the queue, not a payment called "refunds".
  {
    path: '/console/payments/refunds',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <RefundQueue />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/payments/analytics',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <PaymentAnalyticsPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/payments/gateways',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Gateways />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/payments/settings',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <PaymentSettingsPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/wallet/withdrawals',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <WithdrawalQueue />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/wallet/ledger',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <LedgerExplorer />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/wallet/ledger/accounts/:accountId',
    access: ADMIN,
    page: ({ accountId }) => (
      <ConsoleShell>
        <LedgerAccountPage key={accountId} id={accountId} />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/wallet/ledger/transfers/:transferId',
    access: ADMIN,
    page: ({ transferId }) => (
      <ConsoleShell>
        <LedgerTransferPage key={transferId} id={transferId} />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/fraud/reviews',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <ReviewQueue />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/fraud/rules',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <FraudRulesPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support',
    access: STAFF,
    page: () => (
      <ConsoleShell>
        <SupportInbox />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/tickets/:ticketId',
    access: STAFF,
    page: ({ ticketId }) => (
      <ConsoleShell>
        <TicketWorkspace key={ticketId} id={ticketId} />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/conversations',
    access: STAFF,
    page: () => (
      <ConsoleShell>
        <SupportConversations />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/teams',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <SupportTeams />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/settings',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <SupportSettingsPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/canned',
    access: STAFF,
    page: () => (
      <ConsoleShell>
        <CannedResponses />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/macros',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <Macros />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/sites',
    access: ADMIN,
    page: () => (
      <ConsoleShell>
        <WidgetSites />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/support/analytics',
    access: STAFF,
    page: () => (
      <ConsoleShell>
        <SupportAnalyticsPage />
      </ConsoleShell>
    ),
  },
  {
    path: '/console/payments/:paymentId',
    access: ADMIN,
    page: ({ paymentId }) => (
      <ConsoleShell>
        <ConsolePaymentDetail key={paymentId} id={paymentId} />
      </ConsoleShell>
    ),
  },
]

/** The route for a path and its `:name` parameters (decoded), or undefined. */
function match(path: string): { route: RouteDef; params: Record<string, string> } | undefined {
  const segments = path.split('/')
  for (const route of routes) {
    const pattern = route.path.split('/')
    if (pattern.length !== segments.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) {
        try {
          params[pattern[i].slice(1)] = decodeURIComponent(segments[i])
        } catch {
          ok = false
        }
        ok &&= segments[i] !== ''
      } else {
        ok = pattern[i] === segments[i]
      }
    }
    if (ok) return { route, params }
  }
  return undefined
}

/**
 * After a navigation, focus the new page's heading so screen readers announce it. A lazy page's
 * heading exists only once its code has arrived, so the focusing waits for <Arrived> (inside the
 * Suspense boundary, committed together with the page) to call the returned function.
 */
function useFocusOnNavigation(pathname: string) {
  // The path whose heading had its focus; the first page keeps the browser's own focus.
  const focused = useRef(pathname)
  return useCallback(() => {
    if (focused.current === pathname) return
    focused.current = pathname
    document.querySelector<HTMLElement>('main h1')?.focus()
    window.scrollTo(0, 0)
  }, [pathname])
}

function Arrived({ onArrive }: { onArrive: () => void }) {
  useEffect(onArrive, [onArrive])
  return null
}

export function Router() {
  const { pathname, search } = useLocation()
  const { user } = useSession()
  useLiveUser(user?.id)
  const focusHeading = useFocusOnNavigation(pathname)

  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname
  const found = match(path)
  const route = found?.route
  const params = found?.params ?? {}
  let content: ReactNode
  if (!route) {
    content = <NotFound />
  } else if (route.access === 'guest') {
    if (user) return <Redirect to={safePath(search.get('next'))} />
    content = route.page(params)
  } else if (route.access === 'public') {
    content = route.page(params)
  } else if (!user) {
    const query = search.toString()
    return <Redirect to={`/sign-in?next=${encodeURIComponent(pathname + (query ? `?${query}` : ''))}`} />
  } else if (route.access !== 'signedIn' && !route.access.includes(user.role)) {
    content = <Forbidden />
  } else {
    content = route.page(params)
  }
  return (
    <Layout key={user?.id ?? 'guest'} variant={route?.access === 'guest' || route?.access === 'public' ? 'guest' : undefined}>
      <ErrorBoundary resetKey={pathname}>
        <Suspense fallback={<PageLoading />}>
          <Arrived onArrive={focusHeading} />
          {content}
        </Suspense>
      </ErrorBoundary>
    </Layout>
  )
}
