// The product modules as the navigation shows them. Until a module ships, its entry leads to
// the "coming soon" page; a shipped module (`ready`) has its own pages at `path` (docs/web.md).
import type { MessageKey } from '../../i18n'

export interface ModuleEntry {
  path: string
  label: MessageKey
  description: MessageKey
  /** The module's pages exist; false shows "coming soon". */
  ready?: boolean
}

export const MODULES: ModuleEntry[] = [
  { path: '/notifications', label: 'nav.notifications', description: 'module.notifications.desc', ready: true },
  { path: '/chat', label: 'nav.chat', description: 'module.chat.desc', ready: true },
  { path: '/support', label: 'nav.support', description: 'module.support.desc', ready: true },
  // Payments and the wallet: history, checkout, result; /wallet is linked from those pages.
  { path: '/payments', label: 'nav.wallet', description: 'module.wallet.desc', ready: true },
  { path: '/marketing', label: 'nav.marketing', description: 'module.marketing.desc' },
]
