// window.Caravan: the site's config first (it decides the language, and a site that refuses this
// page shows no widget at all), then the widget mounts; calls made before that wait for it.
import { createApi } from './api'
import type { Embed } from './embed'
import { mount } from './flow'
import type { Identity, WidgetConfig } from './types'

export interface CaravanWidget {
  open(): void
  close(): void
  identify(identity: Identity): void
}

export function createWidget(embed: Embed): CaravanWidget {
  let identity = embed.identity
  let name = embed.name
  const api = createApi(embed.apiBase, embed.site, () => identity)
  const ui = api.config<WidgetConfig>().then(
    async (config) => {
      if (document.readyState === 'loading')
        await new Promise((done) => document.addEventListener('DOMContentLoaded', done, { once: true }))
      return mount(embed, api, config, () => ({ identity, name }))
    },
    (e: unknown) => {
      // A site that is unknown or refuses this page's origin: no widget, a hint for the developer.
      console.warn('Caravan widget: not shown,', e instanceof Error ? e.message : e)
      return undefined
    },
  )

  return {
    open: () => void ui.then((widget) => widget?.open()),
    close: () => void ui.then((widget) => widget?.close()),
    identify(next) {
      identity = { externalId: next.externalId, signature: next.signature }
      name = next.name ?? name
      api.reload()
      void ui.then((widget) => widget?.reset())
    },
  }
}
