// A notification type's workflow on its page: the steps as a list (add by kind, move up and down,
// remove, each step's settings and conditions), saved whole as the next version, or removed after
// a confirm; a step the server refuses has the refusal on its field. Below, the preview of the
// draft (WorkflowPreview) and the saved versions, any of which loads back into the form. The
// page's unsaved-changes guard hears of edits through onDirty.
import type { NotificationType, NotificationWorkflow } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { useWatch, type FieldPath } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import { Button, ConfirmDialog, Form, ProblemAlert, Skeleton, SubmitButton, useServerForm, type ServerForm } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { asCaravanError, StatusMessage, useMessage } from '../../../ui/messages'
import { useSaveWorkflow, useWorkflow } from './queries'
import { ADD_GROUP, StepList } from './WorkflowSteps'
import { WorkflowPreview } from './WorkflowPreview'
import { WorkflowVersions } from './WorkflowVersions'
import { refusals, stepDraft, stepsOf, type WorkflowValues } from './workflow'
import './workflow.css'

export function WorkflowEditor({
  type,
  dataText,
  onDataText,
  onDirty,
}: {
  type: NotificationType
  /** The sample data, shared with the template preview. */
  dataText: string
  onDataText: (text: string) => void
  onDirty: (dirty: boolean) => void
}) {
  const { t } = useI18n()
  const workflow = useWorkflow(type.key)
  return (
    <section aria-labelledby="workflow-heading" className="card workflow">
      <h2 id="workflow-heading">{t('workflow.title')}</h2>
      <p className="hint">{t('workflow.intro')}</p>
      {workflow.isPending && <Skeleton lines={4} />}
      {workflow.isError && <ProblemAlert error={workflow.error} onRetry={() => void workflow.refetch()} />}
      {workflow.data && <WorkflowForm type={type} saved={workflow.data} dataText={dataText} onDataText={onDataText} onDirty={onDirty} />}
    </section>
  )
}

const valuesOf = (workflow: NotificationWorkflow): WorkflowValues => ({ steps: workflow.steps.map(stepDraft) })

function WorkflowForm({
  type,
  saved,
  dataText,
  onDataText,
  onDirty,
}: {
  type: NotificationType
  saved: NotificationWorkflow
  dataText: string
  onDataText: (text: string) => void
  onDirty: (dirty: boolean) => void
}) {
  const { t, locale } = useI18n()
  const save = useSaveWorkflow(type.key)
  const [message, setMessage] = useMessage()
  const [confirming, setConfirming] = useState(false)
  const form = useServerForm<WorkflowValues>({
    defaultValues: valuesOf(saved),
    onSubmit: async (values) => {
      setMessage(null)
      form.clearErrors('steps')
      // The fields' rules have made every step complete; never save an incomplete list as [] (that removes the workflow).
      const steps = stepsOf(values.steps)
      if (!steps) return
      try {
        const result = await save.mutateAsync(steps)
        form.reset(valuesOf(result))
        setMessage((t) => t('workflow.saved', { version: result.version }))
      } catch (error) {
        const problem = asCaravanError(error)
        if (problem.errors.length === 0) throw error
        showRefusal(form, refusals(t, locale, problem, values.steps))
      }
    },
  })

  const dirty = form.formState.isDirty
  useEffect(() => onDirty(dirty), [dirty, onDirty])
  // A version saved elsewhere shows here unless this form has edits of its own.
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(valuesOf(saved))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a newer version resets
  }, [saved.version])

  const drafts = useWatch({ control: form.control, name: 'steps' })

  function remove() {
    save.mutate([], {
      onSuccess: (result) => {
        form.reset(valuesOf(result))
        setConfirming(false)
        setMessage((t) => t('workflow.removed', { version: result.version }))
      },
    })
  }

  return (
    <>
      <p className="muted small workflow-version">
        {saved.version === 0 ? (
          t('workflow.none')
        ) : (
          <>
            {t(saved.steps.length ? 'workflow.current' : 'workflow.currentEmpty', { version: saved.version })}{' '}
            {saved.createdAt && <RelativeTime iso={saved.createdAt} />}
          </>
        )}
      </p>
      <Form
        form={form}
        className="wide"
        aria-labelledby="workflow-heading"
        actions={
          <>
            <StatusMessage message={message} />
            <div className="toolbar">
              <SubmitButton>{t('workflow.save')}</SubmitButton>
              {saved.steps.length > 0 && (
                <Button variant="danger" onPress={() => setConfirming(true)}>
                  {t('workflow.remove')}
                </Button>
              )}
            </div>
          </>
        }
      >
        <StepList form={form} channels={type.channels} onSay={setMessage} />
      </Form>
      <WorkflowPreview typeKey={type.key} drafts={drafts} dataText={dataText} onDataText={onDataText} />
      <WorkflowVersions
        typeKey={type.key}
        onLoad={(version) => {
          // Into the form as an edit: the page's unsaved-changes guard knows, and saving makes it the next version.
          form.reset(valuesOf(version), { keepDefaultValues: true })
          setMessage((t) => t('workflow.loaded', { version: version.version }))
        }}
      />
      {confirming && (
        <ConfirmDialog
          title={t('workflow.remove')}
          confirmLabel={t('workflow.yesRemove')}
          pending={save.isPending}
          onConfirm={remove}
          onCancel={() => {
            save.reset()
            setConfirming(false)
          }}
        >
          <p>{t('workflow.confirmRemove', { key: type.key })}</p>
          <ProblemAlert error={save.error} />
        </ConfirmDialog>
      )}
    </>
  )
}

/** The server's refusal on the fields it names (the list's own error for `steps`), focus on the first. */
function showRefusal(form: ServerForm<WorkflowValues>, errors: { name: string; message: string }[]) {
  const fields = errors.filter((e) => e.name !== 'steps')
  for (const { name, message } of errors) form.setError(name as FieldPath<WorkflowValues>, { type: 'server', message })
  if (fields.length) form.setFocus(fields[0].name as FieldPath<WorkflowValues>)
  else document.getElementById(ADD_GROUP)?.querySelector('button')?.focus()
}
