// A workflow channel step's own message, instead of the type's template (a second, firmer
// reminder): a checkbox, then the channel's template fields for each language. A language left
// blank falls back as the server does (the recipient's language, else English, else the other), so
// one language is enough; a language begun must be complete.
import type { Locale, NotificationChannel } from '@caravan/sdk'
import { useId } from 'react'
import { useWatch } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import { FormCheckbox, FormTextAreaField, FormTextField, type ServerForm } from '../../../ui'
import { TEMPLATE_FIELDS, fieldDir, fieldHint, fieldLabel, isBlankFor, templateFieldError, type TemplateField } from './templates'
import { MESSAGE_LOCALES, type WorkflowValues } from './workflow'

type Form = ServerForm<WorkflowValues>

export function StepMessage({ form, index, channel }: { form: Form; index: number; channel: NotificationChannel }) {
  const { t } = useI18n()
  const own = useWatch({ control: form.control, name: `steps.${index}.ownMessage` })
  const hintId = useId()
  return (
    <div className="step-message">
      <FormCheckbox
        control={form.control}
        name={`steps.${index}.ownMessage`}
        label={t('workflow.ownMessage')}
        description={t('workflow.hint.ownMessage')}
      />
      {own && (
        <>
          <p className="hint" id={hintId}>
            {t('workflow.hint.ownMessageLanguages')}
          </p>
          {MESSAGE_LOCALES.map((locale) => (
            <fieldset key={locale} className="step-message-locale" aria-describedby={hintId}>
              <legend>{t(`workflow.messageIn.${locale}`)}</legend>
              {TEMPLATE_FIELDS[channel].map((field) => (
                <MessageField key={field.name} form={form} index={index} channel={channel} locale={locale} field={field} />
              ))}
            </fieldset>
          ))}
        </>
      )}
    </div>
  )
}

function MessageField({
  form,
  index,
  channel,
  locale,
  field,
}: {
  form: Form
  index: number
  channel: NotificationChannel
  locale: Locale
  field: TemplateField
}) {
  const { t } = useI18n()
  const name = `steps.${index}.message.${locale}.${field.name}` as const
  const rules = {
    // Required once the language is begun; English's when nothing is written in either.
    validate: (value: unknown) => {
      const message = form.getValues(`steps.${index}.message`)
      const other = MESSAGE_LOCALES.find((l) => l !== locale)!
      const begun = !isBlankFor(channel, message[locale]) || (locale === 'en' && isBlankFor(channel, message[other]))
      return templateFieldError(t, field, typeof value === 'string' ? value : '', field.required && begun) ?? true
    },
  }
  const hint = fieldHint(channel, field.name)
  const common = {
    control: form.control,
    name,
    label: t(fieldLabel(channel, field.name)),
    description: hint ? t(hint) : undefined,
    optional: !field.required,
    rules,
    dir: fieldDir(field, locale),
    lang: locale,
    spellCheck: 'false' as const,
    className: 'step-field step-field-wide',
  }
  return field.kind === 'line' ? (
    <FormTextField {...common} />
  ) : (
    <FormTextAreaField
      {...common}
      rows={field.kind === 'html' ? 6 : 3}
      className={`${common.className}${field.kind === 'text' ? '' : ' code'}`}
    />
  )
}
