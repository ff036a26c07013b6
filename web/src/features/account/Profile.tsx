import type { Locale } from '@caravan/sdk'
import { useMemo, useState, type FormEvent } from 'react'
import { LOCALES, useI18n } from '../../i18n'
import { client, useSignedInUser } from '../auth/session'
import { ErrorAlert, SelectField, StatusMessage, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { AccountSecurity } from './AccountSecurity'

function timeZones(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone')
  return zones.includes(current) ? zones : [current, ...zones]
}

export function Profile() {
  const user = useSignedInUser()
  const { t, setLocale } = useI18n()
  const [name, setName] = useState(user.name ?? '')
  const [locale, setUserLocale] = useState<Locale>(user.locale)
  const [timezone, setTimezone] = useState(user.timezone)
  const [phone, setPhone] = useState(user.phone ?? '')
  const [saved, setSaved] = useState(false)
  const zones = useMemo(() => timeZones(user.timezone), [user.timezone])

  const save = useAction(async () => {
    const updated = await client.updateMe({ name: name.trim() || null, locale, timezone, phone: phone.replace(/[\s-]/g, '') || null })
    // Choosing a language for the account is also choosing it for this screen.
    if (updated.locale !== user.locale) setLocale(updated.locale)
    return updated
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSaved(false)
    if (await save.run()) setSaved(true)
  }

  return (
    <Page title={t('profile.title')} intro={t('profile.intro')}>
      <form className="card form" onSubmit={submit} noValidate aria-busy={save.pending}>
        <ErrorAlert error={save.error} />
        <StatusMessage message={saved ? t('profile.saved') : null} />
        {/* A host product's user may have no address (a dash), and has its id there. */}
        <TextField label={t('field.email')} name="email" type="email" dir="ltr" value={user.email ?? t('common.none')} readOnly />
        {user.externalId && <TextField label={t('field.externalId')} name="externalId" dir="ltr" value={user.externalId} readOnly />}
        <TextField
          label={t('field.name')}
          name="name"
          autoComplete="name"
          dir="auto"
          optional
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldMessage(t, save.error, 'name')}
        />
        <SelectField
          label={t('field.language')}
          name="locale"
          value={locale}
          onChange={(e) => setUserLocale(e.target.value as Locale)}
          options={LOCALES.map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }))}
          error={fieldMessage(t, save.error, 'locale')}
        />
        <SelectField
          label={t('field.timezone')}
          name="timezone"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          dir="ltr"
          hint={t('hint.timezone')}
          options={zones.map((z) => ({ value: z, label: z }))}
          error={fieldMessage(t, save.error, 'timezone')}
        />
        <TextField
          label={t('field.phone')}
          name="phone"
          type="tel"
          autoComplete="tel"
          dir="ltr"
          inputMode="tel"
          optional
          hint={t('hint.phone')}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={fieldMessage(t, save.error, 'phone')}
        />
        <button type="submit" disabled={save.pending}>
          {save.pending ? t('common.working') : t('profile.save')}
        </button>
      </form>
      <AccountSecurity />
    </Page>
  )
}
