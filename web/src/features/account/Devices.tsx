// /devices: the phones and browsers that get the user's push notifications. Removing one asks
// first, then takes the row away at once; a refusal puts it back and says so, with a retry.
import type { Device } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n, type Translate } from '../../i18n'
import { Button, ConfirmDialog, ProblemAlert, Skeleton } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { useDevices, useRemoveDevice } from './queries'

const deviceName = (t: Translate, device: Device) => device.label || t('devices.unnamed')

export function Devices() {
  const { t } = useI18n()
  const devices = useDevices()
  const remove = useRemoveDevice()
  const [confirming, setConfirming] = useState<Device | null>(null)
  const [message, setMessage] = useMessage()

  function removeDevice(device: Device) {
    setConfirming(null)
    setMessage(null)
    remove.mutate(device, { onSuccess: () => setMessage((t) => t('devices.removed', { name: deviceName(t, device) })) })
  }

  return (
    <Page title={t('devices.title')} intro={t('devices.intro')}>
      <StatusMessage message={message} />
      {remove.isError && (
        <ProblemAlert error={remove.error} onRetry={() => removeDevice(remove.variables)}>
          <p>{t('devices.removeFailed', { name: deviceName(t, remove.variables) })}</p>
        </ProblemAlert>
      )}
      {devices.isPending ? (
        <Skeleton lines={4} />
      ) : devices.isError ? (
        <ProblemAlert error={devices.error} onRetry={() => void devices.refetch()}>
          <p>{t('devices.loadFailed')}</p>
        </ProblemAlert>
      ) : devices.data.length === 0 ? (
        <p className="empty">{t('devices.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('devices.device')}</th>
                <th scope="col">{t('devices.type')}</th>
                <th scope="col">{t('devices.addedWhen')}</th>
                <th scope="col">{t('devices.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('devices.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.data.map((device) => {
                const name = deviceName(t, device)
                return (
                  <tr key={device.id}>
                    <th scope="row">
                      <bdi>{name}</bdi>
                    </th>
                    <td>{t(`devices.kind.${device.kind}`)}</td>
                    <td>
                      <RelativeTime iso={device.createdAt} />
                    </td>
                    <td>{device.disabled ? t('devices.disabled') : t('devices.active')}</td>
                    <td>
                      <Button
                        variant="secondary"
                        size="small"
                        aria-label={t('devices.removeNamed', { name })}
                        onPress={() => setConfirming(device)}
                      >
                        {t('devices.remove')}
                      </Button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('devices.removeTitle', { name: deviceName(t, confirming) })}
          confirmLabel={t('devices.remove')}
          onConfirm={() => removeDevice(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>{t('devices.removeBody')}</p>
        </ConfirmDialog>
      )}
    </Page>
  )
}
