// The files module's public face: the service other modules use (claim, views, owner access,
// status changes, deletion, key rotation), its routes and schemas, and buildFiles, which puts
// them together from a node's config.
import { join } from 'node:path'
import { createClamdScanner } from '../../core/files/clamd'
import { createLocalFileStore } from '../../core/files/store'
import type { App } from '../../core/http/route'
import type { Auth } from '../../core/http/auth'
import { filesRoutes } from './routes'
import { filesSchemas, filesTags } from './schemas'
import { createFilesService, type FilesDeps } from './service'

export { createFilesService, type FilesService, type FilesDeps, type KeyRing, type StatusChange } from './service'
export { filesRoutes } from './routes'
export { FileView, filesSchemas, filesTags } from './schemas'

export interface BuildFilesDeps extends Omit<FilesDeps, 'store' | 'scanner' | 'settings'> {
  auth: Auth
  config: { dataDir: string; publicUrl: string; secretsKey: string; clamdUrl: string | undefined }
  /** Defaults to DATA_DIR/files on local disk. */
  store?: FilesDeps['store']
  /** Overrides; uploadsPerMinute limits POST /v1/uploads per client address (default 30). */
  settings?: Partial<FilesDeps['settings']> & { uploadsPerMinute?: number }
}

/** The files module for one node: its service, and what app.ts adds to the HTTP app. */
export function buildFiles(deps: BuildFilesDeps) {
  const { config, settings = {} } = deps
  const service = createFilesService({
    ...deps,
    store: deps.store ?? createLocalFileStore(join(config.dataDir, 'files')),
    scanner: config.clamdUrl ? createClamdScanner(config.clamdUrl) : undefined,
    settings: { publicUrl: config.publicUrl, secretsKey: config.secretsKey, ...settings },
  })
  return {
    service,
    schemas: filesSchemas,
    tags: filesTags,
    routes: (app: App) => filesRoutes(app, { files: service, auth: deps.auth, uploadsPerMinute: settings.uploadsPerMinute }),
  }
}
