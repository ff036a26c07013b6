// An email's HTML shown as it would look, but inert: a sandboxed iframe with no permissions at
// all (no scripts, no forms, no same-origin access, no top navigation), fed through srcdoc.
export function EmailFrame({ html, title }: { html: string; title: string }) {
  return <iframe className="email-frame" sandbox="" srcDoc={html} title={title} referrerPolicy="no-referrer" />
}
