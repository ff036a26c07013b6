// Catches what would otherwise leave a blank page: a page's code that fails to download (the
// connection dropped, or a new version was deployed and the old chunk names are gone) and a page
// that throws while rendering. It says which of the two happened and offers a retry. The router
// resets it on navigation (resetKey), so one broken page does not stick to the next.
import { Component, type ErrorInfo, type ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Alert, Button } from '../../ui'
import { Page } from './Page'

/** A page's code could not be imported; the router's lazy loader throws this. */
export class ChunkLoadError extends Error {
  constructor(cause: unknown) {
    super(`a page's code could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'ChunkLoadError'
  }
}

interface Props {
  /** When it changes (a navigation), a caught error is forgotten and the children render again. */
  resetKey: string
  children: ReactNode
}

export class ErrorBoundary extends Component<Props, { error: unknown }> {
  state: { error: unknown } = { error: null }

  static getDerivedStateFromError(error: unknown) {
    return { error }
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('page failed', error, info.componentStack)
  }

  componentDidUpdate(previous: Props) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== null) this.setState({ error: null })
  }

  render() {
    const { error } = this.state
    if (error === null) return this.props.children
    // React caches a failed lazy import, so only a reload fetches the code again (and picks up a
    // new deployment's file names); a render error may pass on a second try.
    const chunk = error instanceof ChunkLoadError
    return <PageError chunk={chunk} onRetry={chunk ? () => window.location.reload() : () => this.setState({ error: null })} />
  }
}

function PageError({ chunk, onRetry }: { chunk: boolean; onRetry: () => void }) {
  const { t } = useI18n()
  return (
    <Page title={t(chunk ? 'page.chunkFailed' : 'page.renderFailed')}>
      {/* Marked, so the every-page browser test can tell a page from its error. */}
      <div data-page-error={chunk ? 'chunk' : 'render'}>
        <Alert tone="error">
          <p>{t(chunk ? 'page.chunkFailedBody' : 'page.renderFailedBody')}</p>
          <Button variant="secondary" size="small" onPress={onRetry}>
            {t(chunk ? 'page.reload' : 'common.tryAgain')}
          </Button>
        </Alert>
      </div>
      <p>
        <Link to="/">{t('common.backHome')}</Link>
      </p>
    </Page>
  )
}
