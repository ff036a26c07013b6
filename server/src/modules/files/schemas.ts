// Request and response schemas of the files API (validation, types and the OpenAPI document).
import { Type, type Static } from 'typebox'
import { Id, RefTo } from '../../core/http/schemas'

export { RefTo }
import { ALLOWED_TYPE_NAMES, FILE_TYPES } from '../../core/files/sniff'

const MiB = 1024 * 1024
const limits = Object.entries(FILE_TYPES)
  .map(([name, t]) => `${name.toUpperCase()} ${t.maxBytes / MiB} MiB`)
  .join(', ')

export const FileStatusSchema = Type.Union(
  [Type.Literal('scanning'), Type.Literal('clean'), Type.Literal('unscanned'), Type.Literal('blocked')],
  {
    description:
      'scanning: not downloadable until the virus scan decides; clean: scanned, nothing found; unscanned: no scanner is configured (downloadable); blocked: malware found, never served',
  },
)

export const FileView = Type.Object(
  {
    id: Id,
    name: Type.String({ description: 'Sanitized; its extension is the type the bytes were recognised as' }),
    mime: Type.String(),
    kind: Type.Union([Type.Literal('image'), Type.Literal('document'), Type.Literal('archive'), Type.Literal('text')]),
    size: Type.Integer({ description: 'Bytes (an image after re-encoding)' }),
    width: Type.Optional(Type.Integer()),
    height: Type.Optional(Type.Integer({ description: 'One frame’s height for an animation' })),
    status: FileStatusSchema,
    signature: Type.Optional(Type.String({ description: 'The malware found (status blocked)' })),
    url: Type.Optional(Type.String({ description: 'Signed download link, valid about 5 minutes; absent unless downloadable' })),
    thumbnailUrl: Type.Optional(Type.String({ description: 'Signed link to a WebP thumbnail (at most 320 px), for images' })),
  },
  { $id: 'FileView' },
)
export type FileView = Static<typeof FileView>

/**
 * The upload body. Multipart is read as a stream by the handler, not parsed into `body`, so the
 * schema accepts the absent body (null) and is there for the OpenAPI document.
 */
export const UploadBody = {
  content: {
    'multipart/form-data': {
      schema: {
        type: ['object', 'null'],
        properties: {
          file: {
            type: 'string',
            format: 'binary',
            description: `The file (one). Allowed: ${ALLOWED_TYPE_NAMES.join(', ')}, recognised by content. Limits: ${limits}`,
          },
        },
        required: ['file'],
      },
    },
  },
}

export const Variant = Type.Union([Type.Literal('original'), Type.Literal('thumbnail')])

export const ContentQuery = Type.Object({
  variant: Type.Optional({ ...Variant, default: 'original' }),
  expires: Type.Integer({ minimum: 0, maximum: 1e11, description: 'Unix seconds' }),
  signature: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'HMAC-SHA256 of id, variant and expiry (base64url)' }),
})

export const FileContent = {
  description: 'The file’s bytes',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
}

export const IdParams = Type.Object({ id: Id })

export const filesSchemas = [FileView]
export const filesTags = [{ name: 'files', description: 'Uploads (virus-scanned, encrypted at rest) and signed downloads' }]
