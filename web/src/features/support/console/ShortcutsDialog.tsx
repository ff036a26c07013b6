// The console's keyboard shortcuts in a dialog ("?" or the button opens it).
import { useI18n, type MessageKey } from '../../../i18n'
import { Button, Dialog } from '../../../ui'

const SHORTCUTS: { keys: string[]; what: MessageKey }[] = [
  { keys: ['j'], what: 'support.keys.next' },
  { keys: ['k'], what: 'support.keys.previous' },
  { keys: ['Enter'], what: 'support.keys.open' },
  { keys: ['g', 'i'], what: 'support.keys.inbox' },
  { keys: ['r'], what: 'support.keys.reply' },
  { keys: ['?'], what: 'support.keys.help' },
]

export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useI18n()
  return (
    <Dialog title={t('support.keys.title')} isOpen={open} onOpenChange={onOpenChange} isDismissable showClose>
      {(close) => (
        <>
          <p className="muted">{t('support.keys.intro')}</p>
          <dl className="sup-keys">
            {SHORTCUTS.map((s) => (
              <div key={s.what}>
                <dt>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && <span className="muted"> {t('support.keys.then')} </span>}
                      <kbd dir="ltr">{k}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{t(s.what)}</dd>
              </div>
            ))}
          </dl>
          <div className="dialog-actions">
            <Button variant="secondary" onPress={close}>
              {t('support.keys.close')}
            </Button>
          </div>
        </>
      )}
    </Dialog>
  )
}
