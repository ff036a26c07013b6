// The channels of a notification type, one checkbox each, bound to a form's `channels` list.
// The first box takes focus for the field, so a "choose at least one" error can move focus there.
import type { NotificationChannel } from '@caravan/sdk'
import { useId } from 'react'
import { Controller, type Control, type FieldValues, type Path } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import { Checkbox } from '../../../ui'
import { CHANNELS } from '../labels'

export function ChannelChecks<T extends FieldValues & { channels: NotificationChannel[] }>({ control }: { control: Control<T> }) {
  const { t } = useI18n()
  const errorId = useId()
  return (
    <Controller
      name={'channels' as Path<T>}
      control={control}
      rules={{ validate: (value: NotificationChannel[]) => value.length > 0 || t('types.channelsRequired') }}
      render={({ field, fieldState }) => {
        const list = field.value as NotificationChannel[]
        const error = fieldState.error && (fieldState.error.type === 'server' ? t('types.channelsRequired') : fieldState.error.message)
        return (
          <fieldset className={error ? 'checks invalid' : 'checks'} aria-describedby={error ? errorId : undefined}>
            <legend>{t('types.channels')}</legend>
            {CHANNELS.map((channel, i) => (
              <Checkbox
                key={channel}
                label={t(`channel.${channel}`)}
                isSelected={list.includes(channel)}
                inputRef={i === 0 ? field.ref : undefined}
                onBlur={field.onBlur}
                onChange={(on) =>
                  field.onChange(on ? CHANNELS.filter((c) => c === channel || list.includes(c)) : list.filter((c) => c !== channel))
                }
              />
            ))}
            {error && (
              <p className="field-error" id={errorId}>
                {error}
              </p>
            )}
          </fieldset>
        )
      }}
    />
  )
}
