// A notification type's page: the template editor (channel and locale tabs, a field per
// template field), a live preview of the fa and en drafts side by side (rendered by the server,
// debounced), version history, the type's workflow (WorkflowEditor, previewed with the same sample
// data), and the type's own settings. Leaving with unsaved drafts, steps or settings asks first.
import type {
  CaravanError,
  Locale,
  NotificationCategory,
  NotificationChannel,
  NotificationTemplate,
  NotificationType,
  PreviewTemplateInput,
  TemplateContent,
  TemplatePreview,
} from '@caravan/sdk'
import { useEffect, useId, useRef, useState } from 'react'
import { Controller } from 'react-hook-form'
import { LOCALES, useI18n, type Translate } from '../../../i18n'
import { navigate } from '../../../navigation'
import {
  Button,
  ConfirmDialog,
  Form,
  FormCheckbox,
  FormSelectField,
  FormTextField,
  ProblemAlert,
  Skeleton,
  SubmitButton,
  TextAreaField,
  TextField,
  useServerForm,
  useSettled,
} from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, type Column } from '../../../ui/table'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { client } from '../../auth/session'
import { asCaravanError, StatusMessage, useMessage } from '../../../ui/messages'
import { Page } from '../../shell/Page'
import { Tabs } from '../../shell/Tabs'
import { EmailFrame } from '../EmailFrame'
import { safeActionUrl } from '../Inbox'
import { CATEGORIES } from '../labels'
import { ChannelChecks } from './ChannelChecks'
import { PersonById } from './Person'
import { versionColumn } from './versionColumn'
import { consoleKeys, useDeleteType, useSaveTemplate, useTemplatePreview, useTypeDetail, useUpdateType } from './queries'
import {
  TEMPLATE_FIELDS,
  contentOf,
  draftOf,
  isBlank,
  fieldDir,
  fieldHint,
  fieldLabel,
  parseObject,
  sameDraft,
  templateErrorMessage,
  templateErrors,
  templateFieldError,
  type Draft,
  type TemplateField,
} from './templates'
import { WorkflowEditor } from './WorkflowEditor'

const PREVIEW_DELAY_MS = 400
const keyOf = (channel: NotificationChannel, locale: Locale) => `${channel}:${locale}`
const dirOf = (locale: Locale): 'rtl' | 'ltr' => (locale === 'fa' ? 'rtl' : 'ltr')

export function TemplateEditor({ typeKey }: { typeKey: string }) {
  const { t, locale: uiLocale } = useI18n()
  const detail = useTypeDetail(typeKey)
  const type = detail.data?.type
  const [chosenChannel, setChannel] = useState<NotificationChannel | null>(null)
  const [locale, setLocale] = useState<Locale>(uiLocale)
  /** Newest saved version per channel:locale, and the drafts being edited. */
  const [saved, setSaved] = useState<Record<string, NotificationTemplate>>({})
  const [drafts, setDrafts] = useState<Record<string, Draft>>({})
  /** Bumped when a version is loaded into the editor: the form starts again from the draft. */
  const [generation, setGeneration] = useState(0)
  const [dataText, setDataText] = useState('{}')
  const [message, setMessage] = useMessage()
  const [typeDirty, setTypeDirty] = useState(false)
  const [workflowDirty, setWorkflowDirty] = useState(false)
  const [deleted, setDeleted] = useState(false)

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
  const unsaved = (c: NotificationChannel, l: Locale) => !sameDraft(drafts[keyOf(c, l)], draftOf(c, saved[keyOf(c, l)]?.content))
  const draftsDirty = (type?.channels ?? []).some((c) => LOCALES.some((l) => unsaved(c, l)))
  const leaveGuard = useUnsavedChanges(!deleted && (draftsDirty || typeDirty || workflowDirty))
  // After a deletion there is nothing left to lose: go once the guard has been lifted.
  useEffect(() => {
    if (deleted) navigate('/console/notifications')
  }, [deleted])

  const sampleData = parseObject(dataText)
  // Both languages of the channel on screen, rendered as they are typed.
  const previews: Record<Locale, PreviewState> = {
    fa: usePreview(typeKey, channel, 'fa', channel && drafts[keyOf(channel, 'fa')], sampleData),
    en: usePreview(typeKey, channel, 'en', channel && drafts[keyOf(channel, 'en')], sampleData),
  }

  function saved_(template: NotificationTemplate) {
    const key = keyOf(template.channel, template.locale)
    setSaved((s) => ({ ...s, [key]: template }))
    setDrafts((d) => ({ ...d, [key]: draftOf(template.channel, template.content) }))
    setMessage((t) =>
      t('editor.saved', { channel: t(`channel.${template.channel}`), language: t(`lang.${template.locale}`), version: template.version }),
    )
  }

  function loadVersion(template: NotificationTemplate) {
    setDrafts((d) => ({ ...d, [keyOf(template.channel, template.locale)]: draftOf(template.channel, template.content) }))
    setGeneration((g) => g + 1)
    setMessage((t) => t('editor.versionLoaded', { version: template.version }))
  }

  const title = type ? t('editor.title', { name: type.name }) : t('editor.titleLoading')
  return (
    <Page title={title} tabTitle={type?.name ?? t('editor.titleLoading')} intro={type && <TypeSummary type={type} />}>
      {leaveGuard}
      {detail.isPending && <Skeleton lines={8} />}
      {detail.isError && <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />}
      {type && channel && (
        <Tabs
          idPrefix="channel"
          label={t('editor.channels')}
          selected={channel}
          onSelect={(c) => {
            setChannel(c)
            setMessage(null)
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
              }}
              tabs={LOCALES.map((l) => ({
                id: l,
                label: (
                  <>
                    <span lang={l}>{t(`lang.${l}`)}</span>
                    {unsaved(channel, l) && (
                      <span className="dot-unsaved" aria-hidden="true">
                        {' '}
                        •
                      </span>
                    )}
                  </>
                ),
                name: unsaved(channel, l) ? t('editor.tabUnsaved', { language: t(`lang.${l}`) }) : t(`lang.${l}`),
              }))}
            >
              {drafts[keyOf(channel, locale)] && (
                <TemplateForm
                  key={`${keyOf(channel, locale)}:${generation}`}
                  typeKey={typeKey}
                  channel={channel}
                  locale={locale}
                  draft={drafts[keyOf(channel, locale)]}
                  savedVersion={saved[keyOf(channel, locale)]?.version}
                  liveError={previews[locale].error}
                  message={message}
                  onEdit={(draft) => {
                    setDrafts((d) => ({ ...d, [keyOf(channel, locale)]: draft }))
                    setMessage(null)
                  }}
                  onSaved={saved_}
                />
              )}
            </Tabs>
          </section>

          <section aria-labelledby="preview-heading" className="card preview">
            <h2 id="preview-heading">{t('editor.preview')}</h2>
            <p className="hint">{t('editor.previewHint')}</p>
            <TextAreaField
              label={t('editor.sampleData')}
              dir="ltr"
              rows={3}
              spellCheck="false"
              className="code"
              value={dataText}
              onChange={setDataText}
              description={t('editor.sampleDataHint')}
              errorMessage={sampleData ? undefined : t('editor.sampleDataInvalid')}
            />
            <div className="preview-pair">
              {LOCALES.map((l) => (
                <PreviewPane key={l} channel={channel} locale={l} preview={previews[l]} />
              ))}
            </div>
          </section>

          <Versions typeKey={typeKey} channel={channel} locale={locale} onLoad={loadVersion} />
        </Tabs>
      )}
      {type && (
        <WorkflowEditor key={`workflow:${type.key}`} type={type} dataText={dataText} onDataText={setDataText} onDirty={setWorkflowDirty} />
      )}
      {type && <TypeSettings key={type.key} type={type} onDirty={setTypeDirty} onDeleted={() => setDeleted(true)} />}
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

/** A server message about a template field, as one line of words (the engine's own words after them). */
function templateErrorText(t: Translate, raw: string): string {
  const { text, detail } = templateErrorMessage(t, raw)
  return detail ? `${text} ${detail}` : text
}

interface TemplateValues {
  content: Draft
}

function TemplateForm({
  typeKey,
  channel,
  locale,
  draft,
  savedVersion,
  liveError,
  message,
  onEdit,
  onSaved,
}: {
  typeKey: string
  channel: NotificationChannel
  locale: Locale
  draft: Draft
  savedVersion: number | undefined
  /** The live preview's error for this draft: syntax errors show under their field while typing. */
  liveError: CaravanError | undefined
  message: string | null
  onEdit: (draft: Draft) => void
  onSaved: (template: NotificationTemplate) => void
}) {
  const { t, formatNumber } = useI18n()
  const save = useSaveTemplate(typeKey)
  /** The refusal of the last save, in the server's words: its field errors are said by templateErrorMessage. */
  const [saveError, setSaveError] = useState<CaravanError | null>(null)
  const form = useServerForm<TemplateValues>({
    defaultValues: { content: draft },
    onSubmit: async (values) => {
      setSaveError(null)
      try {
        const template = await save.mutateAsync({ channel, locale, content: contentOf(channel, values.content).content })
        form.reset({ content: draftOf(channel, template.content) })
        onSaved(template)
      } catch (error) {
        setSaveError(asCaravanError(error))
        throw error
      }
    },
  })

  // Every keystroke goes up to the page: the tabs mark unsaved drafts, the preview renders them.
  const editRef = useRef(onEdit)
  useEffect(() => {
    editRef.current = onEdit
  })
  useEffect(() => {
    const subscription = form.watch((values) => editRef.current({ ...(values.content as Draft) }))
    return () => subscription.unsubscribe()
  }, [form])

  const fromSave = templateErrors(saveError)
  const fromPreview = templateErrors(liveError)

  return (
    <Form
      form={form}
      className="wide"
      aria-label={t('editor.save', { language: t(`lang.${locale}`) })}
      actions={
        <>
          <StatusMessage message={message} />
          <SubmitButton>{t('editor.save', { language: t(`lang.${locale}`) })}</SubmitButton>
        </>
      }
    >
      <p className="muted small">
        {savedVersion ? t('editor.currentVersion', { version: formatNumber(savedVersion) }) : t('editor.noVersion')}
      </p>
      {TEMPLATE_FIELDS[channel].map((field) => (
        <Controller
          key={field.name}
          control={form.control}
          name={`content.${field.name}`}
          rules={rulesOf(t, field)}
          render={({ field: bound, fieldState }) => {
            // A server refusal in our words; else a rule of ours; else what the live preview found.
            const server = fieldState.error?.type === 'server' ? fromSave[field.name] : undefined
            const error = server
              ? templateErrorText(t, server)
              : (fieldState.error?.message ?? (fromPreview[field.name] ? templateErrorText(t, fromPreview[field.name]) : undefined))
            const hint = fieldHint(channel, field.name)
            const common = {
              label: t(fieldLabel(channel, field.name)),
              name: bound.name,
              value: bound.value ?? '',
              onChange: bound.onChange,
              onBlur: bound.onBlur,
              optional: !field.required,
              isRequired: field.required,
              errorMessage: error,
              spellCheck: 'false',
              description: hint ? t(hint) : undefined,
              // Code (HTML, JSON, addresses) reads left to right; words follow the template's language.
              dir: fieldDir(field, locale),
              lang: locale,
            }
            return field.kind === 'line' ? (
              <TextField {...common} inputRef={bound.ref} />
            ) : (
              <TextAreaField
                {...common}
                inputRef={bound.ref}
                rows={field.kind === 'html' ? 10 : 4}
                className={field.kind === 'text' ? undefined : 'code'}
              />
            )
          }}
        />
      ))}
    </Form>
  )
}

function rulesOf(t: Translate, field: TemplateField) {
  return { validate: (value: string) => templateFieldError(t, field, value, field.required) ?? true }
}

interface PreviewState {
  rendered?: TemplateContent
  channel?: NotificationChannel
  error?: CaravanError
  pending: boolean
  blank: boolean
}

/** Renders the draft through the server (once typing pauses); keeps the last good rendering while an error shows. */
function usePreview(
  typeKey: string,
  channel: NotificationChannel | undefined,
  locale: Locale,
  draft: Draft | undefined,
  data: Record<string, unknown> | null,
): PreviewState {
  const blank = isBlank(draft)
  const { content, invalid } = channel && draft ? contentOf(channel, draft) : { content: {}, invalid: ['*'] }
  const skip = !channel || blank || invalid.length > 0 || data === null
  // The request as text: a stable value to wait on and to key the cache by.
  const request = skip ? null : JSON.stringify({ channel, locale, content, data })
  const settled = useSettled(request, PREVIEW_DELAY_MS)
  const input = settled ? (JSON.parse(settled) as PreviewTemplateInput) : null
  const query = useTemplatePreview(typeKey, input)
  const [good, setGood] = useState<TemplatePreview | undefined>(undefined)
  useEffect(() => {
    if (query.data && !query.isPlaceholderData) setGood(query.data)
  }, [query.data, query.isPlaceholderData])
  return {
    rendered: good?.rendered,
    channel: good?.channel,
    error: query.isError && settled ? asCaravanError(query.error) : undefined,
    pending: !skip && (request !== settled || query.isFetching),
    blank,
  }
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
  onLoad,
}: {
  typeKey: string
  channel: NotificationChannel
  locale: Locale
  onLoad: (template: NotificationTemplate) => void
}) {
  const { t, formatNumber } = useI18n()
  const caption = t('editor.versions', { channel: t(`channel.${channel}`), language: t(`lang.${locale}`) })
  const columns: Column<NotificationTemplate & { current: boolean }>[] = [
    versionColumn(t, formatNumber),
    { id: 'savedAt', header: t('editor.savedAt'), cell: (v) => <RelativeTime iso={v.createdAt} /> },
    {
      id: 'savedBy',
      header: t('editor.savedBy'),
      cell: (v) =>
        // The server records 'system' for Caravan's own templates; else the id of a user or an API key.
        v.createdBy && v.createdBy !== 'system' ? <PersonById id={v.createdBy} /> : t('audit.system'),
    },
  ]
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">{caption}</h2>
      <DataTable
        caption={caption}
        columns={columns}
        queryKey={consoleKeys.versions(typeKey, channel, locale)}
        fetchPage={async ({ signal }) => {
          const items = await client.admin.notifications.templateVersions(typeKey, { channel, locale }, { signal })
          // Newest first: the first is the one in use.
          return { items: items.map((v, i) => ({ ...v, current: i === 0 })), nextCursor: null }
        }}
        getRowId={(v) => v.id}
        empty={<p className="empty">{t('editor.noVersions')}</p>}
        rowActions={(v) => (
          <Button variant="secondary" size="small" aria-label={t('editor.loadNamed', { version: v.version })} onPress={() => onLoad(v)}>
            {t('editor.load')}
          </Button>
        )}
      />
    </section>
  )
}

interface TypeValues {
  name: string
  category: NotificationCategory
  critical: boolean
  channels: NotificationChannel[]
  guarantees: NotificationType['guarantees']
}

const GUARANTEES = ['at_least_once', 'at_most_once'] as const

const typeValues = (type: NotificationType): TypeValues => ({
  name: type.name,
  category: type.category,
  critical: type.critical,
  channels: type.channels,
  guarantees: type.guarantees,
})

function TypeSettings({ type, onDirty, onDeleted }: { type: NotificationType; onDirty: (dirty: boolean) => void; onDeleted: () => void }) {
  const { t } = useI18n()
  const [message, setMessage] = useMessage()
  const [confirming, setConfirming] = useState(false)
  const update = useUpdateType(type.key)
  const remove = useDeleteType(type.key)
  const form = useServerForm<TypeValues>({
    defaultValues: typeValues(type),
    onSubmit: async (values) => {
      setMessage(null)
      await update.mutateAsync({ ...values, name: values.name.trim() })
      form.reset(values)
      setMessage((t) => t('editor.typeSaved'))
    },
  })
  const dirty = form.formState.isDirty
  useEffect(() => onDirty(dirty), [dirty, onDirty])
  // A change saved elsewhere shows here unless this form has edits of its own. Resetting (rather
  // than remounting) keeps the live region, so "saved" stays and is announced.
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(typeValues(type))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a newer version of the type resets
  }, [type.updatedAt])
  // Only e-mail and SMS choose what a crash does: asked only when the type uses them.
  const usedChannels = form.watch('channels')

  return (
    <section aria-labelledby="type-settings-heading" className="card">
      <h2 id="type-settings-heading">{t('editor.typeSettings')}</h2>
      <Form
        form={form}
        aria-labelledby="type-settings-heading"
        actions={
          <>
            <StatusMessage message={message} />
            <div className="toolbar">
              <SubmitButton>{t('editor.saveType')}</SubmitButton>
              {!type.system && (
                <Button variant="danger" onPress={() => setConfirming(true)}>
                  {t('editor.deleteType')}
                </Button>
              )}
            </div>
            {type.system && <p className="hint">{t('editor.systemType')}</p>}
          </>
        }
      >
        <FormTextField control={form.control} name="name" label={t('types.name')} dir="auto" isRequired />
        <FormSelectField
          control={form.control}
          name="category"
          label={t('types.category')}
          options={CATEGORIES.map((c) => ({ id: c, label: t(`category.${c}`) }))}
        />
        <ChannelChecks control={form.control} />
        <FormCheckbox control={form.control} name="critical" label={t('types.criticalLabel')} />
        {(['email', 'sms'] as const)
          .filter((channel) => usedChannels.includes(channel))
          .map((channel) => (
            <FormSelectField
              key={channel}
              control={form.control}
              name={`guarantees.${channel}`}
              label={t(channel === 'email' ? 'types.guaranteeEmail' : 'types.guaranteeSms')}
              description={channel === 'email' ? t('types.guaranteeHint') : undefined}
              options={GUARANTEES.map((g) => ({ id: g, label: t(`types.guarantee.${channel}.${g}`) }))}
            />
          ))}
      </Form>
      {confirming && (
        <ConfirmDialog
          title={t('editor.deleteType')}
          confirmLabel={t('editor.yesDelete')}
          pending={remove.isPending}
          onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted })}
          onCancel={() => {
            remove.reset()
            setConfirming(false)
          }}
        >
          <p>{t('editor.confirmDelete', { key: type.key })}</p>
          <ProblemAlert error={remove.error} />
        </ConfirmDialog>
      )}
    </section>
  )
}
