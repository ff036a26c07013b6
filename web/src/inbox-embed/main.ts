// The embeddable inbox, loaded on any site with one script tag (docs/integration.md):
//   <script src="https://caravan.example.com/inbox.js" async></script>
//   <caravan-inbox external-id="…" signature="…" lang="fa"></caravan-inbox>
// Built on its own into web/dist/inbox.js (scripts/build.mjs EMBEDS); no framework, to stay small.
// It defines the element and nothing else global.
import { CaravanInboxElement, setDefaultBase } from './element'

const script = document.currentScript
// currentScript is null in modules and once the script has run: then the page's own origin.
setDefaultBase(script instanceof HTMLScriptElement && script.src ? new URL(script.src, location.href).origin : location.origin)
// The script loaded twice still defines the element once.
if (!customElements.get('caravan-inbox')) customElements.define('caravan-inbox', CaravanInboxElement)
