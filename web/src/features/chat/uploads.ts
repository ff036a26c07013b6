// A file for a message, uploaded with progress: XMLHttpRequest, because fetch cannot report how
// much of a request body has gone. It sends what the SDK's upload sends (POST /v1/uploads, one
// multipart field "file", the SDK's bearer token) and reads a refusal into the same CaravanError.
import { CaravanError, type FileView, type Problem } from '@caravan/sdk'
import { client } from '../auth/session'

export interface UploadOptions {
  /** 0..1 as the bytes leave. */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

function problemOf(xhr: XMLHttpRequest): CaravanError {
  try {
    const body = JSON.parse(xhr.responseText) as Partial<Problem>
    if (typeof body.type === 'string' && typeof body.title === 'string')
      return new CaravanError({ ...body, status: body.status ?? xhr.status } as Problem)
  } catch {
    /* not JSON: said by the status below */
  }
  return new CaravanError({ type: 'about:blank', title: xhr.statusText || `HTTP ${xhr.status}`, status: xhr.status })
}

function send(file: File, token: string | null, options: UploadOptions): Promise<FileView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${client.baseUrl}/v1/uploads`)
    xhr.setRequestHeader('accept', 'application/json, application/problem+json')
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total)
    }
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        options.onProgress?.(1)
        resolve(JSON.parse(xhr.responseText) as FileView)
      } else reject(problemOf(xhr))
    }
    xhr.onerror = () => reject(new CaravanError({ type: 'network_error', title: 'The server could not be reached', status: 0 }))
    xhr.onabort = () => reject(new CaravanError({ type: 'aborted', title: 'The request was aborted', status: 0 }))
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/** Uploads `file`; a refused token (expired meanwhile) is refreshed once, as the SDK does. */
export async function uploadFile(file: File, options: UploadOptions = {}): Promise<FileView> {
  if (typeof XMLHttpRequest === 'undefined') return client.chat.upload(file, file.name, { signal: options.signal })
  try {
    return await send(file, await client.accessToken(), options)
  } catch (error) {
    if (!(error instanceof CaravanError) || error.status !== 401 || !error.code.endsWith('invalid_token')) throw error
    await client.refresh()
    return send(file, await client.accessToken(), options)
  }
}
