// The unsaved-changes guard of an editor: while `dirty`, closing or reloading the tab asks the
// browser's own question (beforeunload), and leaving the page inside the app (a link, Back) asks
// in a ConfirmDialog first. Render what the hook returns: the dialog while it asks, else null.
import { createElement, useEffect, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n'
import { useNavigationBlocker } from '../navigation'
import { ConfirmDialog } from './ConfirmDialog'

export function useUnsavedChanges(dirty: boolean): ReactNode {
  const { t } = useI18n()
  /** The navigation held while the dialog asks. */
  const [pending, setPending] = useState<(() => void) | null>(null)

  useEffect(() => {
    if (!dirty) return
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault()
      // Older browsers ask only when returnValue is set.
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [dirty])

  useNavigationBlocker(
    dirty
      ? (proceed) => {
          setPending(() => proceed)
          return true
        }
      : null,
  )

  if (!pending) return null
  return createElement(ConfirmDialog, {
    title: t('unsaved.title'),
    confirmLabel: t('unsaved.leave'),
    onConfirm: () => {
      setPending(null)
      pending()
    },
    onCancel: () => setPending(null),
    children: createElement('p', null, t('unsaved.body')),
  })
}
