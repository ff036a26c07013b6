// Files on tickets, with chat's pieces: a file uploads as soon as it is chosen (POST /v1/uploads,
// with a progress bar), the request or reply names the uploads it carries (attachmentIds), and a
// timeline entry shows its files (read by id, with fresh signed links) as chat shows a message's.
import type { FileView } from '@caravan/sdk'
import { useEffect, useRef, useState, type ChangeEvent } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { Attachments } from '../chat/Attachments'
import { ChatIcon } from '../chat/ChatIcon'
import { uploadFile } from '../chat/uploads'
import { UploadList, type Upload } from '../chat/UploadList'
import { useTicketFile } from './queries'
import '../chat/chat.css'

/** The API takes at most 10 files per entry. */
const MAX_FILES = 10

export function useUploads() {
  const [uploads, setUploads] = useState<Upload[]>([])
  // Uploads still going when the page closes are abandoned.
  const live = useRef(uploads)
  useEffect(() => {
    live.current = uploads
  })
  useEffect(() => () => live.current.forEach((u) => u.abort.abort()), [])

  const setUpload = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)))

  function add(files: File[]) {
    for (const file of files.slice(0, MAX_FILES - uploads.length)) {
      const upload: Upload = { key: crypto.randomUUID(), name: file.name, size: file.size, progress: 0, abort: new AbortController() }
      setUploads((list) => [...list, upload])
      uploadFile(file, { signal: upload.abort.signal, onProgress: (progress) => setUpload(upload.key, { progress }) }).then(
        (view) => setUpload(upload.key, { view, progress: 1 }),
        (e: unknown) => setUpload(upload.key, { error: e }),
      )
    }
  }
  function remove(upload: Upload) {
    upload.abort.abort()
    setUploads((list) => list.filter((u) => u.key !== upload.key))
  }
  return {
    uploads,
    add,
    remove,
    clear: () => setUploads([]),
    /** The uploads that arrived, to send with the text. */
    ids: uploads.filter((u) => u.view).map((u) => u.view!.id),
    uploading: uploads.some((u) => !u.view && !u.error),
    full: uploads.length >= MAX_FILES,
  }
}

export type Uploads = ReturnType<typeof useUploads>

/** "Attach files" and the files chosen so far (each with its progress, and a button to remove it). */
export function AttachFiles({ uploads }: { uploads: Uploads }) {
  const { t } = useI18n()
  const input = useRef<HTMLInputElement>(null)
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    uploads.add([...(event.target.files ?? [])])
    event.target.value = ''
  }
  return (
    <div className="sup-attach">
      <input ref={input} type="file" multiple hidden onChange={choose} data-testid="support-files" />
      <Button variant="secondary" size="small" isDisabled={uploads.full} onPress={() => input.current?.click()}>
        <ChatIcon name="attach" size={18} />
        {t('support.attach')}
      </Button>
      <UploadList uploads={uploads.uploads} onRemove={uploads.remove} />
    </div>
  )
}

/** The files on a timeline entry. */
export function EntryFiles({ ids }: { ids: string[] }) {
  if (!ids.length) return null
  return (
    <div className="sup-files">
      {ids.map((id) => (
        <EntryFile key={id} id={id} />
      ))}
    </div>
  )
}

function EntryFile({ id }: { id: string }) {
  const { t } = useI18n()
  const file = useTicketFile(id)
  if (file.isError) return <p className="muted small">{t('support.fileUnavailable')}</p>
  if (!file.data) return <p className="muted small">{t('common.loading')}</p>
  return <Attachments files={[file.data as FileView]} />
}
