import type { Currency } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { formatMoney, parseMoney, unitName, type IrrDisplay } from './money'
import { useIrrDisplay } from './queries'

/** Money in the page's language and the IRR display setting: format, the unit's name, parse what was typed. */
export function useMoney() {
  const { locale } = useI18n()
  const irr: IrrDisplay = useIrrDisplay()
  return {
    irr,
    money: (minor: string, currency: Currency) => formatMoney(minor, currency, locale, irr),
    unit: (currency: Currency) => unitName(currency, irr, locale),
    parse: (text: string, currency: Currency) => parseMoney(text, currency, irr),
  }
}
