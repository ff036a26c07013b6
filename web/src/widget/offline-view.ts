// When no agent is online: a message becomes a ticket (answered by e-mail, so the e-mail is
// required), then a thank-you with the ticket's number.
import { field, focusFirst, h } from '../embed-kit/dom'
import type { Texts } from './i18n'

export interface OfflineRequest {
  email: string
  name?: string
  text: string
}

export function offlineView(tx: Texts, defaults: { name?: string }, submit: (request: OfflineRequest) => Promise<number | undefined>) {
  const email = field('input', tx.t('email'), { type: 'email', autocomplete: 'email', required: true, maxlength: 254 })
  const name = field('input', tx.t('name'), { type: 'text', autocomplete: 'name', maxlength: 100, value: defaults.name })
  const text = field('textarea', tx.t('message'), { required: true, rows: 5, maxlength: 10_000 })
  const button = h('button', { type: 'submit', class: 'primary' }, tx.t('sendMessage'))
  const form = h('form', { class: 'pad' }, h('p', { class: 'note' }, tx.t('offlineIntro')), email.el, name.el, text.el, button)
  form.onsubmit = async (event) => {
    event.preventDefault()
    button.disabled = true
    const number = await submit({
      email: email.control.value.trim(),
      name: name.control.value.trim() || undefined,
      text: text.control.value.trim(),
    })
    button.disabled = false
    if (number === undefined) return
    // The thank-you replaces the form; focus goes to it so it is read out.
    const thanks = h('p', { tabindex: '-1' }, tx.t('thanks', { number }))
    form.replaceChildren(thanks)
    focusFirst(form)
  }
  return form
}
