import type { Device } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ErrorAlert, StatusMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'

export function Devices() {
  const { t, formatDate } = useI18n()
  const devices = useLoad(() => client.devices.list())
  const [removed, setRemoved] = useState<string | null>(null)
  const remove = useAction(async (device: Device, name: string) => {
    await client.devices.remove(device.id)
    devices.update((list) => list.filter((d) => d.id !== device.id))
    setRemoved(t('devices.removed', { name }))
  })

  return (
    <Page title={t('devices.title')} intro={t('devices.intro')}>
      <StatusMessage message={removed} />
      <ErrorAlert error={remove.error ?? devices.error ?? null} />
      {devices.loading && !devices.data && <p>{t('common.loading')}</p>}
      {devices.data?.length === 0 && <p className="empty">{t('devices.empty')}</p>}
      {!!devices.data?.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('devices.device')}</th>
                <th scope="col">{t('devices.type')}</th>
                <th scope="col">{t('devices.added')}</th>
                <th scope="col">{t('devices.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('devices.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.data.map((device) => {
                const name = device.label || t('devices.unnamed')
                return (
                  <tr key={device.id}>
                    <th scope="row">
                      <bdi>{name}</bdi>
                    </th>
                    <td>{t(`devices.kind.${device.kind}`)}</td>
                    <td>{formatDate(device.createdAt)}</td>
                    <td>{device.disabled ? t('devices.disabled') : t('devices.active')}</td>
                    <td>
                      <button
                        type="button"
                        className="secondary small"
                        disabled={remove.pending}
                        aria-label={t('devices.removeNamed', { name })}
                        onClick={() => void remove.run(device, name)}
                      >
                        {t('devices.remove')}
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  )
}
