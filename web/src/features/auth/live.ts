// Live updates: while signed in, one socket listens for changes to this user and re-reads the
// profile, so edits made elsewhere (another tab, an admin) show up without a reload.
import { useEffect } from 'react'
import { client, markRoleChanged } from './session'

export function useLiveUser(userId: string | undefined) {
  useEffect(() => {
    if (!userId) return
    // Check the stored session once per sign-in: it may have ended while the app was closed.
    const reload = () => { client.me().catch(() => { /* a failed refresh already signed us out */ }) }
    reload()
    const realtime = client.realtime()
    const stop = [
      realtime.on('user.updated', reload),
      realtime.on('user.role_changed', () => { markRoleChanged(); reload() }),
    ]
    return () => {
      for (const off of stop) off()
      realtime.close()
    }
  }, [userId])
}
