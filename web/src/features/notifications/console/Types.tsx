// Notification types: the list (each opens its template editor) and a form to define one.
import type { NotificationCategory, NotificationChannel, NotificationType } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { Link, navigate } from '../../../navigation'
import { Form, FormCheckbox, FormSelectField, FormTextField, useServerForm } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { asCaravanError } from '../../../ui/messages'
import { Page } from '../../shell/Page'
import { CATEGORIES } from '../labels'
import { ChannelChecks } from './ChannelChecks'
import { consoleKeys, useCreateType } from './queries'

export const typePath = (key: string) => `/console/notifications/types/${encodeURIComponent(key)}`
/** The server's rule for a type's key (TypeKey in its schemas). */
const TYPE_KEY = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

export function NotificationTypes() {
  const { t } = useI18n()
  const columns: Column<NotificationType>[] = [
    {
      id: 'key',
      header: t('types.key'),
      primary: true,
      sortValue: (type) => type.key,
      cell: (type) => (
        <Link to={typePath(type.key)} aria-label={t('types.editNamed', { key: type.key })}>
          <code dir="ltr" className="wrap-anywhere">
            {type.key}
          </code>
        </Link>
      ),
    },
    {
      id: 'name',
      header: t('types.name'),
      sortValue: (type) => type.name,
      cell: (type) => (
        <>
          <bdi>{type.name}</bdi>
          {type.system && <span className="tag">{t('types.system')}</span>}
          {type.critical && <span className="tag always">{t('types.critical')}</span>}
        </>
      ),
    },
    { id: 'category', header: t('types.category'), cell: (type) => t(`category.${type.category}`) },
    {
      id: 'channels',
      header: t('types.channels'),
      cell: (type) => type.channels.map((c) => t(`channel.${c}`)).join(t('common.listSeparator')),
    },
    {
      id: 'updated',
      header: t('types.updated'),
      sortValue: (type) => type.updatedAt,
      cell: (type) => <RelativeTime iso={type.updatedAt} />,
    },
  ]

  return (
    <Page title={t('types.title')} intro={t('types.intro')}>
      <DataTable
        caption={t('types.title')}
        columns={columns}
        // Its own entry under the types' key (the list is one page): a new type refreshes it.
        queryKey={[...consoleKeys.types, 'table']}
        fetchPage={async ({ signal }) => ({ items: await client.admin.notifications.listTypes({ signal }), nextCursor: null })}
        getRowId={(type) => type.key}
        empty={<p className="empty">{t('types.empty')}</p>}
      />
      <CreateType />
    </Page>
  )
}

interface NewType {
  key: string
  name: string
  category: NotificationCategory
  critical: boolean
  channels: NotificationChannel[]
}

function CreateType() {
  const { t } = useI18n()
  const create = useCreateType()
  const form = useServerForm<NewType>({
    defaultValues: { key: '', name: '', category: 'transactional', critical: false, channels: ['in_app'] },
    onSubmit: async (values) => {
      try {
        const created = await create.mutateAsync({ ...values, key: values.key.trim(), name: values.name.trim() })
        navigate(typePath(created.key))
      } catch (error) {
        // A taken key is the key field's problem, said in words.
        if (asCaravanError(error).status !== 409) throw error
        form.setError('key', { type: 'server', message: t('types.keyTaken') }, { shouldFocus: true })
      }
    },
  })

  return (
    <section className="card" aria-labelledby="new-type-title">
      <h2 id="new-type-title">{t('types.createTitle')}</h2>
      <Form form={form} aria-labelledby="new-type-title" submitLabel={t('types.create')}>
        <FormTextField
          control={form.control}
          name="key"
          label={t('types.key')}
          description={t('types.keyHint')}
          dir="ltr"
          autoComplete="off"
          spellCheck="false"
          isRequired
          rules={{ validate: (value) => TYPE_KEY.test(value.trim()) || t('types.keyInvalid') }}
        />
        <FormTextField control={form.control} name="name" label={t('types.name')} dir="auto" isRequired />
        <FormSelectField
          control={form.control}
          name="category"
          label={t('types.category')}
          options={CATEGORIES.map((c) => ({ id: c, label: t(`category.${c}`) }))}
        />
        <ChannelChecks control={form.control} />
        <FormCheckbox control={form.control} name="critical" label={t('types.criticalLabel')} description={t('types.criticalHint')} />
      </Form>
    </section>
  )
}
