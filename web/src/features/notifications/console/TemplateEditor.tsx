// A notification type's page: the template editor (channel and locale tabs, a field per
// template field), a live preview of the fa and en drafts side by side (rendered by the server,
// debounced), version history, and the type's own settings.
import type {
  CaravanError,
  Locale,
  NotificationCategory,
  NotificationChannel,
  NotificationTemplate,
  NotificationType,
  TemplateContent,
} from '@caravan/sdk'
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react'
import { LOCALES, useI18n, type MessageKey } from '../../../i18n'
import { navigate } from '../../../navigation'
import { client } from '../../auth/session'
import {
  ErrorAlert,
  SelectField,
  StatusMessage,
  TextAreaField,
  TextField,
  asCaravanError,
  fieldMessage,
  useAction,
  useMessage,
} from '../../shell/form'
import { Page } from '../../shell/Page'
import { Tabs } from '../../shell/Tabs'
import { useLoad } from '../../shell/useLoad'
import { EmailFrame } from '../EmailFrame'
import { safeActionUrl } from '../Inbox'
import { CATEGORIES, CHANNELS } from '../labels'
import {
  TEMPLATE_FIELDS,
  contentOf,
  draftOf,
  isBlank,
  parseObject,
  sameDraft,
  templateErrorMessage,
  templateErrors,
  type Draft,
  type TemplateField,
} from './templates'

const PREVIEW_DELAY_MS = 400
const keyOf = (channel: NotificationChannel, locale: Locale) => `${channel}:${locale}`
const dirOf = (locale: Locale) => (locale === 'fa' ? 'rtl' : 'ltr')

export function TemplateEditor({ typeKey }: { typeKey: string }) {
  const { t, locale: uiLocale } = useI18n()
  const detail = useLoad(() => client.admin.notifications.getType(typeKey), [typeKey])
  const type = detail.data?.type
  const [chosenChannel, setChannel] = useState<NotificationChannel | null>(null)
  const [locale, setLocale] = useState<Locale>(uiLocale)
  /** Newest saved version per channel:locale, and the drafts being edited. */
  const [saved, setSaved] = useState<Record<string, NotificationTemplate>>({})
  const [drafts, setDrafts] = useState<Record<string, Draft>>({})
  const [dataText, setDataText] = useState('{}')
  const [message, setMessage] = useMessage()
  const [versionsTick, setVersionsTick] = useState(0)

  useEffect(() => {
    if (!detail.data) return
    const { type: loaded, templates } = detail.data
    setSaved((previous) => {
      const next = { ...previous }
      for (const template of templates) {
        const key = keyOf(template.channel, template.locale)
        if (!next[key] || next[key].version < template.version) next[key] = template
      }
      return next
    })
    // Seed drafts that do not exist yet; never overwrite what is being typed.
    setDrafts((previous) => {
      const next = { ...previous }
      for (const channel of loaded.channels) {
        for (const l of LOCALES) {
          const key = keyOf(channel, l)
          if (!(key in next)) next[key] = draftOf(channel, templates.find((x) => x.channel === channel && x.locale === l)?.content)
        }
      }
      return next
    })
  }, [detail.data])

  const channel = chosenChannel && type?.channels.includes(chosenChannel) ? chosenChannel : type?.channels[0]
  const sampleData = useMemo(() => parseObject(dataText), [dataText])
  // Both languages of the channel on screen, rendered as they are typed.
  const previews: Record<Locale, PreviewState> = {
    fa: usePreview(typeKey, channel, 'fa', channel && drafts[keyOf(channel, 'fa')], sampleData),
    en: usePreview(typeKey, channel, 'en', channel && drafts[keyOf(channel, 'en')], sampleData),
  }

  const save = useAction(async (target: NotificationChannel, l: Locale) => {
    const draft = drafts[keyOf(target, l)]
    const { content } = contentOf(target, draft)
    const template = await client.admin.notifications.saveTemplate(typeKey, target, l, content)
    setSaved((s) => ({ ...s, [keyOf(target, l)]: template }))
    setMessage((t) => t('editor.saved', { channel: t(`channel.${target}`), language: t(`lang.${l}`), version: template.version }))
    setVersionsTick((n) => n + 1)
    return template
  })

  function edit(target: NotificationChannel, l: Locale, field: string, value: string) {
    setDrafts((d) => ({ ...d, [keyOf(target, l)]: { ...d[keyOf(target, l)], [field]: value } }))
    if (save.error) save.setError(null)
    setMessage(null)
  }

  function loadVersion(template: NotificationTemplate) {
    setDrafts((d) => ({ ...d, [keyOf(template.channel, template.locale)]: draftOf(template.channel, template.content) }))
    save.setError(null)
    setMessage((t) => t('editor.versionLoaded', { version: template.version }))
  }

  const title = type ? t('editor.title', { name: type.name }) : t('editor.titleLoading')
  return (
    <Page title={title} tabTitle={type?.name ?? t('editor.titleLoading')} intro={type && <TypeSummary type={type} />}>
      <ErrorAlert error={detail.error ?? null} />
      {detail.loading && !detail.data && <p>{t('common.loading')}</p>}
      {type && channel && (
        <Tabs
          idPrefix="channel"
          label={t('editor.channels')}
          selected={channel}
          onSelect={(c) => {
            setChannel(c)
            setMessage(null)
            save.setError(null)
          }}
          tabs={type.channels.map((c) => ({ id: c, label: t(`channel.${c}`) }))}
        >
          <section aria-labelledby="editor-heading" className="card editor">
            <h2 id="editor-heading">{t('editor.editing', { channel: t(`channel.${channel}`) })}</h2>
            <Tabs
              idPrefix="locale"
              label={t('editor.languages')}
              selected={locale}
              onSelect={(l) => {
                setLocale(l)
                setMessage(null)
                save.setError(null)
              }}
              tabs={LOCALES.map((l) => ({
                id: l,
                label: (
                  <>
                    <span lang={l}>{t(`lang.${l}`)}</span>
                    {!sameDraft(drafts[keyOf(channel, l)], draftOf(channel, saved[keyOf(channel, l)]?.content)) && (
                      <span className="dot-unsaved" aria-hidden="true">
                        {' '}
                        •
                      </span>
                    )}
                  </>
                ),
                name: sameDraft(drafts[keyOf(channel, l)], draftOf(channel, saved[keyOf(channel, l)]?.content))
                  ? t(`lang.${l}`)
                  : t('editor.tabUnsaved', { language: t(`lang.${l}`) }),
              }))}
            >
              <TemplateForm
                key={keyOf(channel, locale)}
                channel={channel}
                locale={locale}
                draft={drafts[keyOf(channel, locale)]}
                savedVersion={saved[keyOf(channel, locale)]?.version}
                liveError={previews[locale].error}
                saveError={save.error}
                saving={save.pending}
                message={message}
                onEdit={(field, value) => edit(channel, locale, field, value)}
                onSave={() => void save.run(channel, locale)}
              />
            </Tabs>
          </section>

          <section aria-labelledby="preview-heading" className="card preview">
            <h2 id="preview-heading">{t('editor.preview')}</h2>
            <p className="hint">{t('editor.previewHint')}</p>
            <TextAreaField
              label={t('editor.sampleData')}
              dir="ltr"
              rows={3}
              spellCheck={false}
              className="code"
              value={dataText}
              onChange={(e) => setDataText(e.target.value)}
              hint={t('editor.sampleDataHint')}
              error={sampleData ? undefined : t('editor.sampleDataInvalid')}
            />
            <div className="preview-pair">
              {LOCALES.map((l) => (
                <PreviewPane key={l} channel={channel} locale={l} preview={previews[l]} />
              ))}
            </div>
          </section>

          <Versions typeKey={typeKey} channel={channel} locale={locale} tick={versionsTick} onLoad={loadVersion} />
        </Tabs>
      )}
      {type && <TypeSettings type={type} onChanged={detail.reload} />}
    </Page>
  )
}

function TypeSummary({ type }: { type: NotificationType }) {
  const { t } = useI18n()
  return (
    <>
      <code dir="ltr">{type.key}</code>
      {' · '}
      {t(`category.${type.category}`)}
      {type.critical && <span className="tag always">{t('types.critical')}</span>}
      {type.system && <span className="tag">{t('types.system')}</span>}
    </>
  )
}

function TemplateForm({
  channel,
  locale,
  draft,
  savedVersion,
  liveError,
  saveError,
  saving,
  message,
  onEdit,
  onSave,
}: {
  channel: NotificationChannel
  locale: Locale
  draft: Draft | undefined
  savedVersion: number | undefined
  /** The live preview's error for this draft: syntax errors show under their field while typing. */
  liveError: CaravanError | undefined
  saveError: CaravanError | null
  saving: boolean
  message: string | null
  onEdit: (field: string, value: string) => void
  onSave: () => void
}) {
  const { t, formatNumber } = useI18n()
  const fromSave = templateErrors(saveError)
  const fromPreview = templateErrors(liveError)
  const invalidJson = draft ? contentOf(channel, draft).invalid : []

  function errorFor(field: TemplateField): ReactNode {
    if (invalidJson.includes(field.name)) return t('editor.dataInvalid')
    const raw = fromSave[field.name] ?? fromPreview[field.name]
    if (!raw) return undefined
    const { text, detail } = templateErrorMessage(t, raw)
    return (
      <>
        {text}
        {detail && (
          <>
            {' '}
            <code dir="ltr" className="error-detail">
              {detail}
            </code>
          </>
        )}
      </>
    )
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    onSave()
  }

  if (!draft) return null
  const otherErrors = saveError && Object.keys(fromSave).length === 0 ? saveError : null
  return (
    <form className="form wide" onSubmit={submit} noValidate aria-busy={saving}>
      <p className="muted small">
        {savedVersion ? t('editor.currentVersion', { version: formatNumber(savedVersion) }) : t('editor.noVersion')}
      </p>
      {Object.keys(fromSave).length > 0 && (
        <div className="alert error" role="alert">
          <p>{t('editor.saveFailed')}</p>
        </div>
      )}
      <ErrorAlert error={otherErrors} />
      {TEMPLATE_FIELDS[channel].map((field) => {
        const common = {
          label: t(fieldLabel(channel, field.name)),
          name: field.name,
          value: draft[field.name] ?? '',
          optional: !field.required,
          error: errorFor(field),
          spellCheck: false,
          hint: fieldHint(channel, field.name) ? t(fieldHint(channel, field.name)!) : undefined,
          // Code (HTML, JSON, addresses) reads left to right; words follow the template's language.
          dir: field.kind === 'html' || field.kind === 'json' || field.name === 'actionUrl' ? 'ltr' : dirOf(locale),
          lang: locale,
        }
        return field.kind === 'line' ? (
          <TextField key={field.name} {...common} onChange={(e) => onEdit(field.name, e.target.value)} />
        ) : (
          <TextAreaField
            key={field.name}
            {...common}
            rows={field.kind === 'html' ? 10 : 4}
            className={field.kind === 'text' ? undefined : 'code'}
            onChange={(e) => onEdit(field.name, e.target.value)}
          />
        )
      })}
      <StatusMessage message={message} />
      <button type="submit" disabled={saving}>
        {saving ? t('common.working') : t('editor.save', { language: t(`lang.${locale}`) })}
      </button>
    </form>
  )
}

function fieldLabel(channel: NotificationChannel, name: string): MessageKey {
  if (channel === 'email' && name === 'text') return 'editor.field.textVersion'
  if (channel === 'sms' && name === 'text') return 'editor.field.message'
  return `editor.field.${name}` as MessageKey
}

function fieldHint(channel: NotificationChannel, name: string): MessageKey | undefined {
  if (channel === 'email' && name === 'html') return 'editor.hint.html'
  if (name === 'data') return 'editor.hint.data'
  if (name === 'actionUrl') return 'editor.hint.actionUrl'
  return undefined
}

interface PreviewState {
  rendered?: TemplateContent
  channel?: NotificationChannel
  error?: CaravanError
  pending: boolean
  blank: boolean
}

/** Renders the draft through the server (debounced); keeps the last good rendering while an error shows. */
function usePreview(
  typeKey: string,
  channel: NotificationChannel | undefined,
  locale: Locale,
  draft: Draft | undefined,
  data: Record<string, unknown> | null,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ pending: false, blank: isBlank(draft) })
  const { content, invalid } = channel && draft ? contentOf(channel, draft) : { content: {}, invalid: ['*'] }
  const blank = isBlank(draft)
  const skip = blank || invalid.length > 0 || data === null
  const request = JSON.stringify({ channel, locale, content, data })
  useEffect(() => {
    if (skip) {
      setState((s) => ({ ...s, pending: false, blank }))
      return
    }
    let current = true
    setState((s) => ({ ...s, pending: true, blank: false }))
    // `request` is the whole input of the preview; reading it back keeps the effect's inputs in one value.
    const input = JSON.parse(request) as {
      channel: NotificationChannel
      locale: Locale
      content: TemplateContent
      data: Record<string, unknown> | null
    }
    const timer = setTimeout(() => {
      client.admin.notifications
        .preview(typeKey, { channel: input.channel, locale: input.locale, content: input.content, data: input.data ?? undefined })
        .then(
          (answer) => {
            if (current) setState({ rendered: answer.rendered, channel: answer.channel, pending: false, blank: false })
          },
          (e) => {
            if (current)
              setState((s) => ({ rendered: s.rendered, channel: s.channel, error: asCaravanError(e), pending: false, blank: false }))
          },
        )
    }, PREVIEW_DELAY_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [typeKey, request, skip, blank])
  return state
}

function PreviewPane({ channel, locale, preview }: { channel: NotificationChannel; locale: Locale; preview: PreviewState }) {
  const { t } = useI18n()
  const headingId = useId()
  const language = t(`lang.${locale}`)
  const errors = templateErrors(preview.error)
  // A rendering of the channel shown before a tab change is not shown under the new one.
  const rendered = preview.channel === channel ? preview.rendered : undefined
  return (
    <section className="preview-pane" aria-labelledby={headingId} aria-busy={preview.pending} data-locale={locale}>
      <h3 id={headingId}>{t('editor.previewIn', { language })}</h3>
      {preview.blank && <p className="muted">{t('editor.previewBlank', { language })}</p>}
      {!preview.blank && preview.error && (
        <div className="alert error">
          <p>{Object.keys(errors).length ? t('editor.previewHasErrors') : t('editor.previewFailed')}</p>
          {Object.entries(errors).map(([field, raw]) => {
            const { text, detail } = templateErrorMessage(t, raw)
            return (
              <p key={field} className="small">
                <strong>{t(fieldLabel(channel, field))}:</strong> {text}
                {detail && (
                  <>
                    {' '}
                    <code dir="ltr">{detail}</code>
                  </>
                )}
              </p>
            )
          })}
        </div>
      )}
      {!preview.blank && rendered && (
        <div className={preview.error || preview.pending ? 'rendered stale' : 'rendered'} lang={locale} dir={dirOf(locale)}>
          <Rendered channel={channel} rendered={rendered} language={language} />
        </div>
      )}
      {!preview.blank && !rendered && !preview.error && <p className="muted">{t('common.loading')}</p>}
    </section>
  )
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

function Rendered({ channel, rendered, language }: { channel: NotificationChannel; rendered: TemplateContent; language: string }) {
  const { t, formatNumber, locale: uiLocale } = useI18n()
  // Labels are in the console's language, inside content in the template's: isolate them.
  const label = (text: string) => (
    <bdi dir={dirOf(uiLocale)} lang={uiLocale} className="muted small">
      {text}
    </bdi>
  )
  if (channel === 'email') {
    return (
      <div className="email-preview">
        <p className="email-subject">
          {label(t('outbox.subject'))}{' '}
          <strong>
            <bdi>{text(rendered.subject)}</bdi>
          </strong>
        </p>
        <EmailFrame html={text(rendered.html)} title={t('editor.emailFrame', { language })} />
        <details>
          <summary>{label(t('outbox.textVersion'))}</summary>
          <pre className="plain">{text(rendered.text)}</pre>
        </details>
      </div>
    )
  }
  if (channel === 'sms') {
    return (
      <div className="sms-preview">
        <p className="bubble">{text(rendered.text)}</p>
        <p>{label(t('editor.characters', { count: formatNumber([...text(rendered.text)].length) }))}</p>
      </div>
    )
  }
  if (channel === 'push') {
    const data = rendered.data && typeof rendered.data === 'object' ? rendered.data : null
    return (
      <div className="push-preview">
        <p className="push-title">
          <bdi>{text(rendered.title)}</bdi>
        </p>
        <p className="push-body">{text(rendered.body)}</p>
        {data && Object.keys(data).length > 0 && (
          <pre className="plain" dir="ltr">
            {JSON.stringify(data, null, 2)}
          </pre>
        )}
      </div>
    )
  }
  const action = safeActionUrl(text(rendered.actionUrl) || null)
  return (
    <div className="inbox-item in-app-preview">
      <div className="inbox-main">
        <p className="inbox-title">
          <bdi>{text(rendered.title)}</bdi>
        </p>
        <p className="inbox-body">{text(rendered.body)}</p>
        {rendered.actionUrl && (
          <p className="small">
            {label(`${t('editor.field.actionUrl')}:`)} <code dir="ltr">{action?.href ?? text(rendered.actionUrl)}</code>
          </p>
        )}
      </div>
    </div>
  )
}

function Versions({
  typeKey,
  channel,
  locale,
  tick,
  onLoad,
}: {
  typeKey: string
  channel: NotificationChannel
  locale: Locale
  tick: number
  onLoad: (template: NotificationTemplate) => void
}) {
  const { t, formatDate, formatNumber } = useI18n()
  const versions = useLoad(
    () => client.admin.notifications.templateVersions(typeKey, { channel, locale }),
    [typeKey, channel, locale, tick],
  )
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">{t('editor.versions', { channel: t(`channel.${channel}`), language: t(`lang.${locale}`) })}</h2>
      <ErrorAlert error={versions.error ?? null} />
      {versions.data?.length === 0 && <p className="empty">{t('editor.noVersions')}</p>}
      {!!versions.data?.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('editor.version')}</th>
                <th scope="col">{t('editor.savedAt')}</th>
                <th scope="col">{t('editor.savedBy')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('editor.load')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.data.map((v, i) => (
                <tr key={v.id}>
                  <th scope="row">
                    {formatNumber(v.version)}
                    {i === 0 && <span className="tag">{t('editor.current')}</span>}
                  </th>
                  <td>{formatDate(v.createdAt)}</td>
                  <td>{v.createdBy ? <code dir="ltr">…{v.createdBy.slice(-8)}</code> : t('audit.system')}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => onLoad(v)}
                      aria-label={t('editor.loadNamed', { version: v.version })}
                    >
                      {t('editor.load')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function TypeSettings({ type, onChanged }: { type: NotificationType; onChanged: () => void }) {
  const { t } = useI18n()
  const [name, setName] = useState(type.name)
  const [category, setCategory] = useState<NotificationCategory>(type.category)
  const [critical, setCritical] = useState(type.critical)
  const [channels, setChannels] = useState<NotificationChannel[]>(type.channels)
  const [message, setMessage] = useMessage()
  const [confirming, setConfirming] = useState(false)
  const update = useAction(() => client.admin.notifications.updateType(type.key, { name: name.trim(), category, critical, channels }))
  const remove = useAction(async () => {
    await client.admin.notifications.deleteType(type.key)
    navigate('/console/notifications')
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setMessage(null)
    if (await update.run()) {
      setMessage((t) => t('editor.typeSaved'))
      onChanged()
    }
  }

  const channelsError = fieldMessage(t, update.error, 'channels') && t('types.channelsRequired')
  return (
    <section aria-labelledby="type-settings-heading">
      <form className="card form" onSubmit={submit} noValidate aria-labelledby="type-settings-heading">
        <h2 id="type-settings-heading">{t('editor.typeSettings')}</h2>
        <ErrorAlert error={update.error} />
        <TextField
          label={t('types.name')}
          dir="auto"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldMessage(t, update.error, 'name')}
        />
        <SelectField
          label={t('types.category')}
          value={category}
          onChange={(e) => setCategory(e.target.value as NotificationCategory)}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
        />
        <fieldset className={channelsError ? 'checks invalid' : 'checks'}>
          <legend>{t('types.channels')}</legend>
          {CHANNELS.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={channels.includes(c)}
                onChange={(e) =>
                  setChannels((list) =>
                    e.target.checked ? CHANNELS.filter((x) => x === c || list.includes(x)) : list.filter((x) => x !== c),
                  )
                }
              />
              <span>{t(`channel.${c}`)}</span>
            </label>
          ))}
          {channelsError && <p className="field-error">{channelsError}</p>}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={critical} onChange={(e) => setCritical(e.target.checked)} />
          <span>{t('types.criticalLabel')}</span>
        </label>
        <StatusMessage message={message} />
        <div className="toolbar">
          <button type="submit" disabled={update.pending}>
            {update.pending ? t('common.working') : t('editor.saveType')}
          </button>
          {!type.system && !confirming && (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              {t('editor.deleteType')}
            </button>
          )}
        </div>
        {type.system && <p className="hint">{t('editor.systemType')}</p>}
        {confirming && (
          <div className="confirm" role="group" aria-label={t('editor.deleteType')}>
            <p>{t('editor.confirmDelete', { key: type.key })}</p>
            <ErrorAlert error={remove.error} />
            <button type="button" className="danger small" disabled={remove.pending} onClick={() => void remove.run()}>
              {t('editor.yesDelete')}
            </button>
            <button type="button" className="secondary small" autoFocus onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        )}
      </form>
    </section>
  )
}
