// The "Version" column of the console's version lists (templates, workflows): the number, and
// "Current" on the one in use.
import type { Translate } from '../../../i18n'
import type { Column } from '../../../ui/table'

export function versionColumn<V extends { version: number; current: boolean }>(
  t: Translate,
  formatNumber: (n: number) => string,
): Column<V> {
  return {
    id: 'version',
    header: t('editor.version'),
    primary: true,
    cell: (v) => (
      <>
        {formatNumber(v.version)}
        {v.current && <span className="tag">{t('editor.current')}</span>}
      </>
    ),
  }
}
