// The files API: upload, a file's view (with fresh signed links), and the signed download itself.
import multipart from '@fastify/multipart'
import { contentDisposition } from '../../core/files/filename'
import { MAX_FILE_BYTES } from '../../core/files/sniff'
import { currentUser, type Auth } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { route, type App } from '../../core/http/route'
import * as S from './schemas'
import type { FilesService } from './service'

export function filesRoutes(app: App, deps: { files: FilesService; auth: Auth; uploadsPerMinute?: number }) {
  const { files, auth } = deps
  const signedIn = auth.require()
  // Live chat widget visitors attach files to their messages too.
  const signedInOrVisitor = auth.require({ widget: true })
  const tags = ['files']

  // The multipart parser is this route's alone (an encapsulated plugin), so no other route
  // accepts multipart bodies by accident.
  app.register(async (scope) => {
    await scope.register(multipart, {
      // The parser's own ceiling, just above the largest type's limit; each type's limit is checked as the bytes arrive.
      limits: { fileSize: MAX_FILE_BYTES + 1, files: 1, parts: 10, fieldSize: 1024, headerPairs: 50 },
    })
    route(scope as unknown as App, {
      method: 'POST',
      url: '/v1/uploads',
      operationId: 'uploadFile',
      tags,
      access: signedInOrVisitor,
      errors: [413, 415, 422],
      rateLimit: { max: deps.uploadsPerMinute ?? 30, timeWindow: '1 minute' },
      summary: 'Upload a file to send in a message',
      description:
        'multipart/form-data with one field "file". The type is recognised from the content (JPEG, PNG, WebP, GIF, PDF, DOCX, XLSX, ZIP, UTF-8 text); others get 415, files over their type’s limit 413. Images are re-encoded without metadata (EXIF, GPS). With a virus scanner the file is `scanning` until the scan decides; unsent uploads are deleted after 24 hours.',
      schema: { body: S.UploadBody, response: { 201: S.RefTo(S.FileView) } },
      handler: async (request, reply) => {
        const user = currentUser(request)
        if (!request.isMultipart())
          throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in the field "file"')
        let part
        try {
          part = await request.file()
        } catch (e) {
          if (((e as { statusCode?: number }).statusCode ?? 500) < 500) throw e
          throw new AppError('bad_request', `The multipart body cannot be read: ${(e as Error).message}`)
        }
        if (!part || part.fieldname !== 'file') {
          throw new AppError('validation', 'Send one file, in the field "file"', { errors: [{ field: 'file', message: 'is required' }] })
        }
        try {
          return reply.code(201).send(await files.upload(user.userId, { filename: part.filename, stream: part.file }))
        } catch (e) {
          // The rest of a refused body is not read: the connection closes after the answer.
          if (!part.file.readableEnded) reply.header('connection', 'close')
          throw e
        }
      },
    })
  })

  route(app, {
    method: 'GET',
    url: '/v1/files/:id',
    operationId: 'getFile',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'A file, with download links valid about 5 minutes when it can be downloaded',
    description: 'For the uploader, and for whoever may read what the file was sent in (the members of its conversation).',
    schema: { params: S.IdParams, response: { 200: S.RefTo(S.FileView) } },
    handler: async (request) => files.get(currentUser(request).userId, request.params.id),
  })

  route(app, {
    method: 'GET',
    url: '/v1/files/:id/content',
    operationId: 'downloadFile',
    tags,
    access: auth.public,
    errors: [403, 404, 409, 416],
    summary: 'The file’s bytes, through a signed link (no Authorization header needed)',
    description:
      'The link comes from a FileView (`url`, `thumbnailUrl`). 403 when its signature is wrong or it expired; 409 while the file is `scanning`, and for good once it is `blocked`. The original honours one byte range (`Range: bytes=START-END`, `bytes=START-`, `bytes=-LAST`): 206 with `Content-Range`; 416 when it starts past the end; several ranges get the whole file.',
    schema: { params: S.IdParams, querystring: S.ContentQuery, response: { 200: S.FileContent, 206: S.FileContent } },
    handler: async (request, reply) => {
      const { variant = 'original', expires, signature } = request.query
      const file = await files.content(request.params.id, variant, expires, signature, request.headers.range)
      reply
        .header('content-type', file.mime.startsWith('text/') ? `${file.mime}; charset=utf-8` : file.mime)
        .header('content-disposition', contentDisposition(file.inline ? 'inline' : 'attachment', file.name))
        // Never rendered as anything but what it is, never with scripts or same-origin rights.
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', `private, max-age=${file.secondsLeft}`)
      if (file.rangeable) reply.header('accept-ranges', 'bytes')
      if (file.range) reply.code(206).header('content-range', `bytes ${file.range.start}-${file.range.end}/${file.range.total}`)
      if (file.size !== undefined) reply.header('content-length', file.size)
      return reply.send(file.stream)
    },
  })
}
