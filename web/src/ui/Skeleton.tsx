// A loading placeholder: grey lines where the content will be. The lines are hidden from
// screen readers, which hear "Loading…" from the status text instead.
import { useI18n } from '../i18n'

export function Skeleton({ lines = 3, label, className }: { lines?: number; label?: string; className?: string }) {
  const { t } = useI18n()
  return (
    <div className={className ? `skeleton ${className}` : 'skeleton'}>
      <span className="visually-hidden" role="status">
        {label ?? t('common.loading')}
      </span>
      <div aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <span key={i} className="skeleton-line" />
        ))}
      </div>
    </div>
  )
}
