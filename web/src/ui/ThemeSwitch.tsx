// Light, dark, or the device's setting: three icon buttons in one radio group, small enough for
// the header on a phone.
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components'
import { useI18n } from '../i18n'
import { Icon } from './Icon'
import { THEME_CHOICES, useTheme } from './theme'

export function ThemeSwitch() {
  const { t } = useI18n()
  const { theme, setTheme } = useTheme()
  return (
    <ToggleButtonGroup
      className="theme-switch"
      aria-label={t('ui.theme.label')}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[theme]}
      onSelectionChange={(keys: Set<Key>) => {
        const choice = THEME_CHOICES.find((c) => keys.has(c))
        if (choice) setTheme(choice)
      }}
    >
      {THEME_CHOICES.map((choice) => (
        <ToggleButton key={choice} id={choice} className="theme-option" aria-label={t(`ui.theme.${choice}`)}>
          <Icon name={choice} size={18} />
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  )
}
