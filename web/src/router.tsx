// The route table and its guards. Access levels: guest pages (sign-in, sign-up) send signed-in
// people on; everything else needs a session; console pages need the agent or admin role.
import type { Role } from '@caravan/sdk'
import { useEffect, useRef, type ReactNode } from 'react'
import { Devices } from './features/account/Devices'
import { Home } from './features/account/Home'
import { Profile } from './features/account/Profile'
import { ApiKeys } from './features/admin/ApiKeys'
import { Audit } from './features/admin/Audit'
import { DeadJobs } from './features/admin/DeadJobs'
import { Users } from './features/admin/Users'
import { useLiveUser } from './features/auth/live'
import { useSession } from './features/auth/session'
import { SignIn } from './features/auth/SignIn'
import { SignUp } from './features/auth/SignUp'
import { ConsoleHome } from './features/console/ConsoleHome'
import { ConsoleShell } from './features/console/ConsoleShell'
import { Layout } from './features/shell/Layout'
import { MODULES } from './features/shell/modules'
import { ComingSoon, Forbidden, NotFound } from './features/shell/StatusPages'
import { Redirect, safePath, useLocation } from './navigation'

type Access = 'guest' | 'signedIn' | Role[]

interface RouteDef {
  path: string
  access: Access
  page: () => ReactNode
}

const STAFF: Role[] = ['agent', 'admin']
const ADMIN: Role[] = ['admin']

const routes: RouteDef[] = [
  { path: '/sign-in', access: 'guest', page: () => <SignIn /> },
  { path: '/sign-up', access: 'guest', page: () => <SignUp /> },
  { path: '/', access: 'signedIn', page: () => <Home /> },
  { path: '/profile', access: 'signedIn', page: () => <Profile /> },
  { path: '/devices', access: 'signedIn', page: () => <Devices /> },
  ...MODULES.map((m): RouteDef => ({ path: m.path, access: 'signedIn', page: () => <ComingSoon module={m} /> })),
  { path: '/console', access: STAFF, page: () => <ConsoleShell><ConsoleHome /></ConsoleShell> },
  { path: '/console/users', access: ADMIN, page: () => <ConsoleShell><Users /></ConsoleShell> },
  { path: '/console/api-keys', access: ADMIN, page: () => <ConsoleShell><ApiKeys /></ConsoleShell> },
  { path: '/console/audit', access: ADMIN, page: () => <ConsoleShell><Audit /></ConsoleShell> },
  { path: '/console/jobs', access: ADMIN, page: () => <ConsoleShell><DeadJobs /></ConsoleShell> },
]

/** After a navigation, focus the new page's heading so screen readers announce it. */
function useFocusOnNavigation(pathname: string) {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) { first.current = false; return }
    document.querySelector<HTMLElement>('main h1')?.focus()
    window.scrollTo(0, 0)
  }, [pathname])
}

export function Router() {
  const { pathname, search } = useLocation()
  const { user } = useSession()
  useLiveUser(user?.id)
  useFocusOnNavigation(pathname)

  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname
  const route = routes.find((r) => r.path === path)
  let content: ReactNode
  if (!route) {
    content = <NotFound />
  } else if (route.access === 'guest') {
    if (user) return <Redirect to={safePath(search.get('next'))} />
    content = route.page()
  } else if (!user) {
    const query = search.toString()
    return <Redirect to={`/sign-in?next=${encodeURIComponent(pathname + (query ? `?${query}` : ''))}`} />
  } else if (route.access !== 'signedIn' && !route.access.includes(user.role)) {
    content = <Forbidden />
  } else {
    content = route.page()
  }
  return <Layout key={user?.id ?? 'guest'}>{content}</Layout>
}
