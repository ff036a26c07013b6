// A dashboard's "Download CSV": fetches the figures as CSV text, saves them as `file` through the
// browser's download and says so (or shows the problem beside the button). Used by the support
// dashboard and payment analytics.
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button, ProblemAlert } from '../../../ui'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { downloadCsv } from '../download'

export function CsvDownload({ file, fetchCsv, disabled }: { file: string; fetchCsv: () => Promise<string>; disabled: boolean }) {
  const { t } = useI18n()
  const [message, setMessage] = useMessage()
  const [error, setError] = useState<unknown>(null)
  const [pending, setPending] = useState(false)
  async function download() {
    setMessage(null)
    setError(null)
    setPending(true)
    try {
      downloadCsv(file, await fetchCsv())
      setMessage((t) => t('dashboard.downloaded', { file }))
    } catch (thrown) {
      setError(thrown)
    } finally {
      setPending(false)
    }
  }
  return (
    <div className="dash-csv">
      <Button variant="secondary" isPending={pending} isDisabled={disabled} onPress={() => void download()}>
        {t('dashboard.downloadCsv')}
      </Button>
      <StatusMessage message={message} />
      <ProblemAlert error={error} />
    </div>
  )
}
