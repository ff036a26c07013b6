import { lazy, type ComponentType } from 'react'
import { ChunkLoadError } from './ErrorBoundary'

/**
 * A component whose code downloads the first time it is shown (every page, and the shell's menus),
 * so the first page loads only the shell and itself. `name` is the module's named export. A failed
 * download becomes a ChunkLoadError, which the ErrorBoundary offers to fix with a reload.
 * (ComponentType<any> is React.lazy's own constraint: any component, whatever its props.)
 */
export function lazyPage<M extends Record<K, ComponentType<any>>, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(() =>
    load().then(
      (module) => ({ default: module[name] }),
      (error: unknown) => {
        throw new ChunkLoadError(error)
      },
    ),
  )
}
