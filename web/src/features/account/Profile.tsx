// /profile: how Caravan addresses the user and reaches them, then the account's security part.
// The profile is read from the query cache (ME_KEY, kept fresh by the socket); a save writes the
// server's answer there, so the top bar and home show it at once.
import type { Locale, User } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { Controller } from 'react-hook-form'
import { LOCALES, useI18n } from '../../i18n'
import { Form, FormSelectField, FormTextField, ProblemAlert, Skeleton, TextField, useServerForm } from '../../ui'
import { TimeZonePicker } from '../../ui/dates'
import { useUnsavedChanges } from '../../ui/useUnsavedChanges'
import { StatusMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { AccountSecurity } from './AccountSecurity'
import { useMe, useUpdateMe } from './queries'

interface ProfileValues {
  name: string
  locale: Locale
  timezone: string
  phone: string
}

const profileValues = (user: User): ProfileValues => ({
  name: user.name ?? '',
  locale: user.locale,
  timezone: user.timezone,
  phone: user.phone ?? '',
})

export function Profile() {
  const { t } = useI18n()
  const me = useMe()
  return (
    <Page title={t('profile.title')} intro={t('profile.intro')}>
      {me.isPending ? (
        <Skeleton lines={6} className="card" />
      ) : me.isError ? (
        <ProblemAlert error={me.error} onRetry={() => void me.refetch()}>
          <p>{t('profile.loadFailed')}</p>
        </ProblemAlert>
      ) : (
        <ProfileForm user={me.data} />
      )}
      <AccountSecurity />
    </Page>
  )
}

function ProfileForm({ user }: { user: User }) {
  const { t, setLocale } = useI18n()
  const [saved, setSaved] = useState(false)
  const update = useUpdateMe()

  const form = useServerForm<ProfileValues>({
    defaultValues: profileValues(user),
    onSubmit: async ({ name, locale, timezone, phone }) => {
      setSaved(false)
      const updated = await update.mutateAsync({
        name: name.trim() || null,
        locale,
        timezone,
        phone: phone.replace(/[\s-]/g, '') || null,
      })
      // Saved as the server has it (a phone without its spaces): nothing is left unsaved.
      form.reset(profileValues(updated))
      // Choosing a language for the account is also choosing it for this screen.
      if (updated.locale !== user.locale) setLocale(updated.locale)
      setSaved(true)
    },
  })

  // A change made elsewhere (another tab, an admin) shows here while nothing is being edited,
  // so saving never sends back what the other change replaced.
  const { reset, formState } = form
  const editing = formState.isDirty
  useEffect(() => {
    if (!editing) reset(profileValues(user))
  }, [user, editing, reset])

  const leaveGuard = useUnsavedChanges(editing)

  return (
    <Form form={form} className="card" submitLabel={t('profile.save')}>
      {leaveGuard}
      <StatusMessage message={saved ? t('profile.saved') : null} />
      {/* A host product's user may have no address (a dash), and has its id there. */}
      <TextField label={t('field.email')} type="email" value={user.email ?? t('common.none')} isReadOnly />
      {user.externalId && <TextField label={t('field.externalId')} dir="ltr" value={user.externalId} isReadOnly />}
      <FormTextField control={form.control} name="name" label={t('field.name')} autoComplete="name" dir="auto" optional />
      <FormSelectField
        control={form.control}
        name="locale"
        label={t('field.language')}
        options={LOCALES.map((l) => ({ id: l, label: t(`lang.${l}`), lang: l }))}
      />
      {/* The picker has no form binding in the kit: bound here, its error from the server on it. */}
      <Controller
        control={form.control}
        name="timezone"
        render={({ field, fieldState }) => (
          <TimeZonePicker
            name={field.name}
            label={t('field.timezone')}
            description={t('hint.timezone')}
            value={field.value}
            onChange={field.onChange}
            errorMessage={fieldState.error?.message}
          />
        )}
      />
      <FormTextField
        control={form.control}
        name="phone"
        label={t('field.phone')}
        type="tel"
        autoComplete="tel"
        inputMode="tel"
        optional
        description={t('hint.phone')}
      />
    </Form>
  )
}
