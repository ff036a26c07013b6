import type { MessageKey } from '../../i18n'
import type { IconName } from './icons'

/** The signed-in person's own pages: in the account menu on wide screens, in the drawer on phones. */
export const ACCOUNT_LINKS: { path: string; label: MessageKey; icon: IconName }[] = [
  { path: '/profile', label: 'nav.profile', icon: 'user' },
  { path: '/devices', label: 'nav.devices', icon: 'devices' },
  { path: '/settings/notifications', label: 'shell.notificationSettings', icon: 'sliders' },
]
