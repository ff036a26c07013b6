// Asked before the first message of a new conversation: a name and an e-mail, both optional, kept
// on the conversation for the agent (not on the visitor's account).
import { field, h } from '../embed-kit/dom'
import type { Texts } from './i18n'

export interface Prechat {
  name?: string
  email?: string
}

export function prechatView(tx: Texts, defaults: Prechat, onSubmit: (answers: Prechat) => void) {
  const name = field('input', tx.t('name'), { type: 'text', autocomplete: 'name', maxlength: 100, value: defaults.name })
  const email = field('input', tx.t('emailOptional'), { type: 'email', autocomplete: 'email', maxlength: 254, value: defaults.email })
  const form = h(
    'form',
    { class: 'pad' },
    h('p', { class: 'note' }, tx.t('prechatIntro')),
    name.el,
    email.el,
    h('button', { type: 'submit', class: 'primary' }, tx.t('startChat')),
  )
  form.onsubmit = (event) => {
    event.preventDefault()
    onSubmit({ name: name.control.value.trim() || undefined, email: email.control.value.trim() || undefined })
  }
  return form
}
