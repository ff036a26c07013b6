// The files chosen for the next message: each with its progress bar while it uploads, then its
// size (or "Scanning…", or why it was refused), a thumbnail for an image, and a button to remove it.
import type { FileView } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { fileHref, formatSize } from './Attachments'
import { ChatIcon } from './ChatIcon'
import { chatProblem } from './problems'

export interface Upload {
  key: string
  name: string
  size: number
  /** 0..1 */
  progress: number
  view?: FileView
  error?: unknown
  abort: AbortController
}

export function UploadList({ uploads, onRemove }: { uploads: Upload[]; onRemove: (upload: Upload) => void }) {
  const { t, locale, formatNumber } = useI18n()
  if (!uploads.length) return null
  const state = (u: Upload) => {
    if (u.error) return chatProblem(t, asCaravanError(u.error))
    if (!u.view) return t('chat.uploading', { percent: formatNumber(Math.round(u.progress * 100)) })
    return u.view.status === 'scanning' ? t('chat.file.scanning') : formatSize(u.view.size, locale)
  }
  return (
    <ul className="chat-uploads" aria-label={t('chat.attachments')}>
      {uploads.map((u) => (
        <li key={u.key} className={u.error ? 'chat-upload failed' : 'chat-upload'}>
          {u.view?.thumbnailUrl ? (
            <img className="chat-upload-thumb" src={fileHref(u.view.thumbnailUrl)} alt="" />
          ) : (
            <ChatIcon name="file" size={18} />
          )}
          <span className="chat-upload-main">
            <bdi className="chat-file-name">{u.name}</bdi>
            <span className="muted small">{state(u)}</span>
            {!u.view && !u.error && <progress max={1} value={u.progress} aria-label={t('chat.uploadProgress', { name: u.name })} />}
          </span>
          <Button
            variant="quiet"
            size="small"
            className="icon-button"
            aria-label={t('chat.removeFile', { name: u.name })}
            onPress={() => onRemove(u)}
          >
            <ChatIcon name="close" size={18} />
          </Button>
        </li>
      ))}
    </ul>
  )
}
