// "Delete X?" for the support admin pages: the question, what it means, the server's refusal if
// any; on success the page drops its selection and says what was deleted.
import type { UseMutationResult } from '@tanstack/react-query'
import { useI18n } from '../../../i18n'
import { ConfirmDialog, ProblemAlert } from '../../../ui'

export function DeleteConfirm({
  title,
  body,
  remove,
  id,
  onDeleted,
  onCancel,
}: {
  title: string
  body: string
  remove: UseMutationResult<unknown, Error, string>
  id: string
  onDeleted: () => void
  onCancel: () => void
}) {
  const { t } = useI18n()
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={t('sadmin.delete')}
      pending={remove.isPending}
      onConfirm={() => remove.mutate(id, { onSuccess: onDeleted })}
      onCancel={onCancel}
    >
      <p>{body}</p>
      <ProblemAlert error={remove.error} />
    </ConfirmDialog>
  )
}
