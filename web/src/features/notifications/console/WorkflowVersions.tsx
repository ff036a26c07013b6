// The saved versions of a type's workflow, newest (the one in use) first: its steps in a line, when
// and by whom it was saved. Loading one puts its steps in the editor above; saving them makes them
// the next version (runs keep the version they started with).
import type { NotificationWorkflow, WorkflowStep } from '@caravan/sdk'
import { useI18n, type Translate } from '../../../i18n'
import { Button } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { PersonById } from './Person'
import { versionColumn } from './versionColumn'
import { consoleKeys } from './queries'

type Version = NotificationWorkflow & { current: boolean }

/** "Send (in-app) → Delay → Send (email)": the steps' kinds in order. */
function stepLine(t: Translate, steps: WorkflowStep[]): string {
  return steps
    .map((step) =>
      step.kind === 'channel'
        ? `${t('workflow.kind.channel')} (${t(`channel.${step.channel}`)}${step.content ? `, ${t('workflow.ownMessageShort')}` : ''})`
        : t(`workflow.kind.${step.kind}`),
    )
    .join(' → ')
}

export function WorkflowVersions({ typeKey, onLoad }: { typeKey: string; onLoad: (version: NotificationWorkflow) => void }) {
  const { t, formatNumber } = useI18n()
  const columns: Column<Version>[] = [
    versionColumn(t, formatNumber),
    { id: 'steps', header: t('workflow.steps'), cell: (v) => (v.steps.length ? stepLine(t, v.steps) : t('workflow.noSteps')) },
    { id: 'savedAt', header: t('editor.savedAt'), cell: (v) => (v.createdAt ? <RelativeTime iso={v.createdAt} /> : t('common.none')) },
    {
      id: 'savedBy',
      header: t('editor.savedBy'),
      cell: (v) => (v.createdBy && v.createdBy !== 'system' ? <PersonById id={v.createdBy} /> : t('audit.system')),
    },
  ]
  return (
    <section aria-labelledby="workflow-versions-heading">
      <h3 id="workflow-versions-heading">{t('workflow.versions')}</h3>
      <DataTable
        caption={t('workflow.versions')}
        columns={columns}
        queryKey={consoleKeys.workflowVersions(typeKey)}
        fetchPage={async ({ signal }) => {
          const items = await client.admin.notifications.workflowVersions(typeKey, { signal })
          return { items: items.map((v, i) => ({ ...v, current: i === 0 })), nextCursor: null }
        }}
        getRowId={(v) => String(v.version)}
        empty={<p className="empty">{t('editor.noVersions')}</p>}
        rowActions={(v) =>
          v.current ? null : (
            <Button variant="secondary" size="small" aria-label={t('editor.loadNamed', { version: v.version })} onPress={() => onLoad(v)}>
              {t('editor.load')}
            </Button>
          )
        }
      />
    </section>
  )
}
