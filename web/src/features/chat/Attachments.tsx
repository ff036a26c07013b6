// A message's files: images as previews (their thumbnail; the original in a dialog), other files as
// chips with name and size that download on press. Links are signed and live about five minutes,
// so the original and a download ask for fresh ones first. A file still being scanned says so, a
// blocked one says it was infected; `message:updated` brings the verdict.
import type { FileView, Locale } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Button, Dialog, ProblemAlert } from '../../ui'
import { client } from '../auth/session'
import { ChatIcon } from './ChatIcon'

/**
 * A file link on this app's own origin. The app talks to the server it was loaded from, while the
 * server signs links with its PUBLIC_URL, which a browser may reach under another name (localhost
 * vs 127.0.0.1): the path and signature are what count, and the CSP allows images from 'self'.
 */
export function fileHref(url: string): string {
  if (client.baseUrl) return url
  try {
    const parsed = new URL(url, location.origin)
    return parsed.pathname.startsWith('/v1/files/') ? parsed.pathname + parsed.search : url
  } catch {
    return url
  }
}

/** 12 KB / ۱۲ کیلوبایت, in the page's language. */
export function formatSize(bytes: number, locale: Locale): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : bytes >= 1024 ? [bytes / 1024, 'kilobyte'] : [bytes, 'byte']
  return new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en-GB', {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value)
}

/** The file with fresh links, read when they are needed (not when the message is shown). */
const freshFile = (id: string) => client.chat.file(id)

export function Attachments({ files }: { files: FileView[] }) {
  if (!files.length) return null
  return (
    <ul className="chat-files">
      {files.map((file) => (
        <li key={file.id}>
          <Attachment file={file} />
        </li>
      ))}
    </ul>
  )
}

function Attachment({ file }: { file: FileView }) {
  const { t, locale } = useI18n()
  const size = formatSize(file.size, locale)
  if (file.status === 'scanning')
    return (
      <span className="chat-file chat-file-state">
        <ChatIcon name="clock" size={18} />
        <bdi className="chat-file-name">{file.name}</bdi>
        <span>{t('chat.file.scanning')}</span>
      </span>
    )
  if (file.status === 'blocked')
    return (
      <span className="chat-file chat-file-state blocked">
        <ChatIcon name="alert" size={18} />
        <bdi className="chat-file-name">{file.name}</bdi>
        <span>{t('chat.file.blocked')}</span>
      </span>
    )
  if (file.kind === 'image' && file.thumbnailUrl) return <ImagePreview file={file} />
  return <FileChip file={file} size={size} />
}

function ImagePreview({ file }: { file: FileView }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  // A link that expired while the message stayed on screen is replaced once.
  const [thumbnail, setThumbnail] = useState(file.thumbnailUrl!)
  const [refreshed, setRefreshed] = useState(false)
  const refresh = () => {
    if (refreshed) return
    setRefreshed(true)
    freshFile(file.id).then(
      (fresh) => fresh.thumbnailUrl && setThumbnail(fresh.thumbnailUrl),
      () => undefined,
    )
  }
  const ratio = file.width && file.height ? { aspectRatio: `${file.width} / ${file.height}` } : undefined
  return (
    <>
      <Button
        variant="quiet"
        className="chat-image"
        onPress={() => setOpen(true)}
        aria-label={t('chat.file.openImage', { name: file.name })}
      >
        <img src={fileHref(thumbnail)} alt="" style={ratio} loading="lazy" onError={refresh} />
      </Button>
      {open && <ImageDialog file={file} onClose={() => setOpen(false)} />}
    </>
  )
}

function ImageDialog({ file, onClose }: { file: FileView; onClose: () => void }) {
  const { t } = useI18n()
  const fresh = useQuery({ queryKey: ['chat', 'file', file.id], queryFn: () => freshFile(file.id), staleTime: 60_000 })
  const url = fresh.data?.url
  return (
    <Dialog
      title={<bdi>{file.name}</bdi>}
      isOpen
      onOpenChange={(isOpen) => !isOpen && onClose()}
      isDismissable
      showClose
      className="chat-image-dialog"
    >
      <ProblemAlert error={fresh.error} onRetry={() => void fresh.refetch()} />
      {url && (
        <>
          <img className="chat-image-full" src={fileHref(url)} alt={file.name} />
          <p>
            <a href={fileHref(url)} download={file.name}>
              {t('chat.file.download')}
            </a>
          </p>
        </>
      )}
    </Dialog>
  )
}

function FileChip({ file, size }: { file: FileView; size: string }) {
  const { t } = useI18n()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const download = async () => {
    setError(null)
    setBusy(true)
    try {
      const { url } = await freshFile(file.id)
      // Served as an attachment: the browser saves it and the page stays.
      if (url) location.assign(fileHref(url))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button variant="secondary" className="chat-file" isPending={busy} onPress={() => void download()}>
        <ChatIcon name="file" size={18} />
        <bdi className="chat-file-name">{file.name}</bdi>
        <span className="chat-file-size">{size}</span>
        <span className="visually-hidden">{t('chat.file.downloadHint')}</span>
      </Button>
      <ProblemAlert error={error} />
    </>
  )
}
