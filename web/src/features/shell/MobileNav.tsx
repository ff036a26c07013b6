// The menu button of narrow screens and the drawer it opens: the main navigation, the console
// sections (on console pages), the account pages, language and theme. A modal side sheet from
// React Aria: focus stays inside, Escape or a click outside closes it and focus goes back to
// the button. Following a link closes it too.
import { useId, useState } from 'react'
import { Button, Dialog, Modal, ModalOverlay } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { ThemeSwitch } from '../../ui/ThemeSwitch'
import { useSignedInUser } from '../auth/session'
import { ACCOUNT_LINKS } from './accountLinks'
import { ConsoleNav } from './ConsoleNav'
import { Icon } from './icons'
import { LanguageSwitcher } from './LanguageSwitcher'
import { PrimaryNav } from './PrimaryNav'
import { signOut } from './signOut'

export function MobileNav() {
  const { t } = useI18n()
  const user = useSignedInUser()
  const { pathname } = useLocation()
  // Open for one page only: a navigation closes it in the same render, before the router moves
  // focus to the new page's heading (so the drawer does not pull focus back to the button).
  const [openOn, setOpenOn] = useState<string | null>(null)
  const open = openOn === pathname
  const drawerId = useId()
  const onConsole = user.role !== 'customer' && (pathname === '/console' || pathname.startsWith('/console/'))
  return (
    <>
      <button
        type="button"
        className="shell-icon-button menu-button"
        aria-label={t('shell.menu')}
        aria-expanded={open}
        aria-controls={open ? drawerId : undefined}
        onClick={() => setOpenOn(pathname)}
      >
        <Icon name="menu" size={22} />
      </button>
      <ModalOverlay className="drawer-overlay" isOpen={open} onOpenChange={(isOpen) => setOpenOn(isOpen ? pathname : null)} isDismissable>
        <Modal className="drawer">
          <Dialog id={drawerId} className="drawer-dialog" aria-label={t('shell.menu')}>
            <div className="drawer-head">
              <span className="drawer-title">{t('app.name')}</span>
              <Button slot="close" className="shell-icon-button" aria-label={t('shell.closeMenu')}>
                <Icon name="close" size={22} />
              </Button>
            </div>
            <PrimaryNav className="drawer-nav" />
            {onConsole && <ConsoleNav className="drawer-console" />}
            <nav aria-label={t('nav.account')} className="drawer-nav drawer-account">
              <ul>
                {ACCOUNT_LINKS.map((l) => (
                  <li key={l.path}>
                    <Link to={l.path}>
                      <Icon name={l.icon} />
                      {t(l.label)}
                    </Link>
                  </li>
                ))}
                <li>
                  <button type="button" className="drawer-link-button" onClick={() => void signOut()}>
                    <Icon name="signOut" mirror />
                    {t('nav.signOut')}
                  </button>
                </li>
              </ul>
            </nav>
            <div className="drawer-settings">
              <LanguageSwitcher />
              <ThemeSwitch />
            </div>
          </Dialog>
        </Modal>
      </ModalOverlay>
    </>
  )
}
