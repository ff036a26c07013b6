// The live chat widget, loaded on any site by its snippet (docs/support-widget.md):
//   <script src="https://caravan.example.com/widget.js" data-site="<site token>" async></script>
// Built on its own into web/dist/widget.js (scripts/build.mjs); no framework, to stay small. Its
// only global is window.Caravan.
import { readEmbed } from './embed'
import { createWidget, type CaravanWidget } from './widget'

declare global {
  interface Window {
    Caravan?: CaravanWidget
  }
}

const embed = readEmbed()
// The snippet pasted twice still makes one widget.
if (embed && !window.Caravan) window.Caravan = createWidget(embed)
