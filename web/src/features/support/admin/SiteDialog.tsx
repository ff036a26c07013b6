// A live chat site's form, to create one or edit it: its name, the origins allowed to use it (one
// per line), whether every call must carry a signed identity, its team and the widget's language.
// An edit sends only what changed. The server names a refused origin by its place in the list it
// got: that is turned back into the line of the text box.
import type { CreateWidgetSiteInput, UpdateWidgetSiteInput, WidgetSite } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { useI18n, type Translate } from '../../../i18n'
import { asCaravanError, FormCheckbox, FormDialog, FormSelectField, FormTextAreaField, FormTextField, useServerForm } from '../../../ui'
import type { Say } from '../../../ui/messages'
import { lineOfServerError, MAX_ORIGINS, originsProblem, parseOrigins, type OriginsProblem } from './origins'
import { useCreateSite, useTeams, useUpdateSite } from './queries'

const DEFAULT_TEAM = 'default'
type WidgetLocale = WidgetSite['locale']

interface SiteValues {
  name: string
  /** One origin per line. */
  allowedOrigins: string
  requireIdentity: boolean
  teamId: string
  locale: WidgetLocale
}

function originsMessage(t: Translate, problem: OriginsProblem): string {
  if (problem.kind === 'empty') return t('sadmin.siteOriginsEmpty')
  if (problem.kind === 'tooMany') return t('sadmin.siteOriginsTooMany', { max: MAX_ORIGINS })
  return t('sadmin.siteOriginInvalid', { line: problem.line, text: problem.text })
}

/** What an edit sends: the fields of `input` that differ from the site's. */
export function sitePatch(site: WidgetSite, input: CreateWidgetSiteInput): UpdateWidgetSiteInput {
  const patch: UpdateWidgetSiteInput = {}
  if (input.name !== site.name) patch.name = input.name
  if (input.allowedOrigins.join('\n') !== site.allowedOrigins.join('\n')) patch.allowedOrigins = input.allowedOrigins
  if (input.requireIdentity !== site.requireIdentity) patch.requireIdentity = input.requireIdentity
  if ((input.teamId ?? null) !== site.teamId) patch.teamId = input.teamId ?? null
  if (input.locale !== site.locale) patch.locale = input.locale
  return patch
}

export function SiteDialog({
  site,
  onClose,
  onCreated,
  onSaved,
}: {
  site: WidgetSite | null
  onClose: () => void
  /** A new site with its identity secret, to show once. */
  onCreated: (site: WidgetSite, identitySecret: string) => void
  onSaved: (say: Say) => void
}) {
  const { t, locale } = useI18n()
  const teams = useTeams()
  const create = useCreateSite()
  const update = useUpdateSite()
  const form = useServerForm<SiteValues>({
    defaultValues: {
      name: site?.name ?? '',
      allowedOrigins: site?.allowedOrigins.join('\n') ?? '',
      requireIdentity: site?.requireIdentity ?? false,
      teamId: site?.teamId ?? DEFAULT_TEAM,
      locale: site?.locale ?? locale,
    },
    onSubmit: async (values) => {
      const parsed = parseOrigins(values.allowedOrigins)
      const input: CreateWidgetSiteInput = {
        name: values.name.trim(),
        allowedOrigins: parsed.origins,
        requireIdentity: values.requireIdentity,
        teamId: values.teamId === DEFAULT_TEAM ? null : values.teamId,
        locale: values.locale,
      }
      try {
        if (!site) {
          const created = await create.mutateAsync(input)
          onCreated(created.site, created.identitySecret)
          return
        }
        const patch = sitePatch(site, input)
        const name = input.name
        if (Object.keys(patch).length > 0) await update.mutateAsync({ id: site.id, patch })
        onSaved((t) => t('sadmin.siteSaved', { name }))
      } catch (error) {
        // The server's `allowedOrigins.<i>` errors are said on the text box, by line; the rest go
        // on to the form as usual (left to it, `allowedOrigins.3` would find a character of the text).
        const problem = asCaravanError(error)
        const onOrigins = problem.errors.filter((e) => /(^|\.)allowedOrigins(\.|$)/.test(e.field))
        if (onOrigins.length === 0) throw error
        const line = lineOfServerError(onOrigins[0].field, parsed)
        const text = line === undefined ? '' : (values.allowedOrigins.split(/\r?\n/)[line - 1]?.trim() ?? '')
        form.setError('allowedOrigins', {
          type: 'server',
          message: line === undefined || !text ? t('sadmin.siteOriginsRefused') : t('sadmin.siteOriginInvalid', { line, text }),
        })
        form.setFocus('allowedOrigins')
        const rest = problem.errors.filter((e) => !onOrigins.includes(e))
        if (rest.length > 0) throw new CaravanError({ ...problem.problem, errors: rest })
      }
    },
  })

  const teamOptions = [
    { id: DEFAULT_TEAM, label: t('sadmin.siteDefaultTeam') },
    ...(teams.data ?? []).map((x) => ({ id: x.id, label: x.name })),
  ]
  return (
    <FormDialog
      title={site ? t('sadmin.editSiteTitle', { name: site.name }) : t('sadmin.newSite')}

      className="sadmin-dialog"
      form={form}
      submitLabel={site ? t('sadmin.save') : t('sadmin.create')}
      onClose={onClose}
    >
      <FormTextField
        control={form.control}
        name="name"
        label={t('sadmin.siteName')}
        description={t('sadmin.siteNameHint')}
        isRequired
        dir="auto"
        maxLength={100}
        autoComplete="off"
        rules={{ validate: (text) => String(text).trim() !== '' || t('ui.required') }}
      />
      <FormTextAreaField
        control={form.control}
        name="allowedOrigins"
        label={t('sadmin.siteOrigins')}
        description={t('sadmin.siteOriginsHint')}
        isRequired
        dir="ltr"
        rows={4}
        spellCheck="false"
        autoComplete="off"
        rules={{
          validate: (text) => {
            const problem = originsProblem(parseOrigins(String(text)))
            return problem ? originsMessage(t, problem) : true
          },
        }}
      />
      <FormCheckbox
        control={form.control}
        name="requireIdentity"
        label={t('sadmin.siteRequireIdentity')}
        description={t('sadmin.siteRequireIdentityHint')}
      />
      <div className="field-row sadmin-top">
        <FormSelectField
          control={form.control}
          name="teamId"
          label={t('sadmin.team')}
          description={t('sadmin.siteTeamHint')}
          options={teamOptions}
        />
        <FormSelectField
          control={form.control}
          name="locale"
          label={t('sadmin.siteLocale')}
          description={t('sadmin.siteLocaleHint')}
          options={[
            { id: 'fa', label: t('lang.fa'), lang: 'fa' },
            { id: 'en', label: t('lang.en'), lang: 'en' },
          ]}
        />
      </div>
    </FormDialog>
  )
}
