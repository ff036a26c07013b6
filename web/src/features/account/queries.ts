// The signed-in user's profile and devices in the query cache, and the account's writes. The
// profile shares ME_KEY with the live updates (auth/live.ts), so an edit made elsewhere shows here.
import type { Device, UpdateMeInput, User } from '@caravan/sdk'
import { useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { ME_KEY } from '../auth/live'
import { client } from '../auth/session'

export const accountKeys = {
  me: ME_KEY,
  devices: ['devices'] as const,
}

export function useMe() {
  return useQuery({ queryKey: accountKeys.me, queryFn: ({ signal }) => client.me({ signal }) })
}

/** Saves the profile; the server's answer becomes the cached profile (the SDK updates the session's copy). */
export function useUpdateMe() {
  return useMutation({
    mutationFn: (input: UpdateMeInput) => client.updateMe(input),
    onSuccess: (user: User) => queryClient.setQueryData(accountKeys.me, user),
  })
}

export function useChangePassword() {
  return useMutation({ mutationFn: (input: { currentPassword: string; newPassword: string }) => client.changePassword(input) })
}

export function useEndOtherSessions() {
  return useMutation({ mutationFn: () => client.endOtherSessions() })
}

export function useDevices() {
  return useQuery({ queryKey: accountKeys.devices, queryFn: ({ signal }) => client.devices.list({ signal }) })
}

/**
 * Removes a device: gone from the list at once, back in its place when the server refuses.
 * A pending read is cancelled first so an older answer cannot bring the row back.
 */
export function useRemoveDevice() {
  return useMutation({
    mutationFn: (device: Device) => client.devices.remove(device.id),
    onMutate: async (device) => {
      await queryClient.cancelQueries({ queryKey: accountKeys.devices })
      const previous = queryClient.getQueryData<Device[]>(accountKeys.devices)
      queryClient.setQueryData<Device[]>(accountKeys.devices, (list) => list?.filter((d) => d.id !== device.id))
      return { previous }
    },
    onError: (_error, _device, context) => {
      if (context?.previous) queryClient.setQueryData(accountKeys.devices, context.previous)
    },
    // Not awaited: the answer (and an error's rollback) shows without waiting for the new read.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: accountKeys.devices }),
  })
}
