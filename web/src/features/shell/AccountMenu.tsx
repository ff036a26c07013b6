// The account button of the top bar and its menu (React Aria: arrow keys, Escape, focus back on
// the button). Its links are real links, so they open in a new tab too.
import { Button, Menu, MenuItem, MenuTrigger, Popover, Separator } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { useSignedInUser } from '../auth/session'
import { ACCOUNT_LINKS } from './accountLinks'
import { Icon } from './icons'
import { signOut } from './signOut'
import { userLabel } from './userLabel'

export function AccountMenu() {
  const { t } = useI18n()
  const user = useSignedInUser()
  const name = user.name ?? userLabel(user)
  return (
    <MenuTrigger>
      <Button className="account-button" aria-label={t('shell.accountMenu', { name })}>
        <span className="avatar" aria-hidden="true">
          {Array.from(name)[0]?.toLocaleUpperCase()}
        </span>
        <Icon name="chevronDown" size={16} />
      </Button>
      <Popover className="account-popover" placement="bottom end" offset={6}>
        <Menu className="account-menu" aria-label={t('nav.account')}>
          {ACCOUNT_LINKS.map((l) => (
            <MenuItem key={l.path} id={l.path} href={l.path} textValue={t(l.label)}>
              <Icon name={l.icon} />
              {t(l.label)}
            </MenuItem>
          ))}
          <Separator />
          <MenuItem id="sign-out" textValue={t('nav.signOut')} onAction={() => void signOut()}>
            <Icon name="signOut" mirror />
            {t('nav.signOut')}
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  )
}
