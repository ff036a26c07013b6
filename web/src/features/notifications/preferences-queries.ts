// The signed-in user's notification preferences and topics in the query cache. Every switch saves
// at once: the cache shows the change before the server answers and takes back only that change
// when the server refuses it (others made meanwhile stay). Saves run one after another (one
// mutation scope), each sending the whole preferences as the cache holds them then, so the last
// request carries every change and requests cannot overtake each other.
import type {
  AvailableTopic,
  AvailableTopicPage,
  NotificationCategory,
  NotificationChannel,
  NotificationPreferences,
  NotificationPreferencesView,
} from '@caravan/sdk'
import { useInfiniteQuery, useMutation, useQuery, type InfiniteData } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { client } from '../auth/session'
import { CATEGORIES, CHANNELS } from './labels'

/** Public topics shown per page; more load on request. */
export const TOPICS_PAGE = 50

export const preferenceKeys = {
  all: ['notification-preferences'] as const,
  view: ['notification-preferences', 'view'] as const,
  available: ['notification-preferences', 'topics', 'available'] as const,
  mine: ['notification-preferences', 'topics', 'mine'] as const,
}

export type QuietHours = NotificationPreferences['quietHours']

/** One change a control makes. */
export type PreferencesChange =
  | { kind: 'channel'; channel: NotificationChannel; on: boolean }
  | { kind: 'cell'; category: NotificationCategory; channel: NotificationChannel; on: boolean }
  | { kind: 'quietHours'; quietHours: QuietHours }

/** Whether a category reaches the user on a channel (a cell left out is on). */
export const cellOn = (preferences: NotificationPreferences, category: NotificationCategory, channel: NotificationChannel) =>
  preferences.categories[category]?.[channel] !== false

export function applyChange(preferences: NotificationPreferences, change: PreferencesChange): NotificationPreferences {
  switch (change.kind) {
    case 'channel':
      return { ...preferences, channels: { ...preferences.channels, [change.channel]: change.on } }
    case 'cell':
      return {
        ...preferences,
        categories: {
          ...preferences.categories,
          [change.category]: { ...preferences.categories[change.category], [change.channel]: change.on },
        },
      }
    case 'quietHours':
      return { ...preferences, quietHours: change.quietHours }
  }
}

/** The change that puts back what `change` replaced. */
function undoOf(preferences: NotificationPreferences, change: PreferencesChange): PreferencesChange {
  switch (change.kind) {
    case 'channel':
      return { ...change, on: preferences.channels[change.channel] }
    case 'cell':
      return { ...change, on: cellOn(preferences, change.category, change.channel) }
    case 'quietHours':
      return { kind: 'quietHours', quietHours: preferences.quietHours }
  }
}

/** What the API takes: only the switched-off cells of categories the user may switch off. */
function requestBody(view: NotificationPreferencesView): NotificationPreferences {
  const critical = new Set(view.criticalCategories)
  const categories: NotificationPreferences['categories'] = {}
  for (const category of CATEGORIES) {
    if (critical.has(category)) continue
    const off = CHANNELS.filter((channel) => !cellOn(view.preferences, category, channel))
    if (off.length) categories[category] = Object.fromEntries(off.map((channel) => [channel, false]))
  }
  return { channels: view.preferences.channels, categories, quietHours: view.preferences.quietHours }
}

export function usePreferences() {
  return useQuery({ queryKey: preferenceKeys.view, queryFn: ({ signal }) => client.notifications.preferences({ signal }) })
}

const editView = (change: PreferencesChange) =>
  queryClient.setQueryData<NotificationPreferencesView>(
    preferenceKeys.view,
    (view) => view && { ...view, preferences: applyChange(view.preferences, change) },
  )

const SAVE_KEY = [...preferenceKeys.all, 'save'] as const

export function useSavePreferences() {
  return useMutation({
    mutationKey: SAVE_KEY,
    scope: { id: 'notification-preferences' },
    // Run in turn: the cache then holds this change and any made since.
    mutationFn: (_change: PreferencesChange) => {
      const view = queryClient.getQueryData<NotificationPreferencesView>(preferenceKeys.view)
      if (!view) throw new Error('The preferences were not read yet.')
      return client.notifications.setPreferences(requestBody(view))
    },
    onMutate: async (change) => {
      // An older read must not overwrite the change.
      await queryClient.cancelQueries({ queryKey: preferenceKeys.view })
      const view = queryClient.getQueryData<NotificationPreferencesView>(preferenceKeys.view)
      if (!view) return undefined
      editView(change)
      return { undo: undoOf(view.preferences, change) }
    },
    onError: (_error, _change, context) => {
      if (context) editView(context.undo)
    },
    // The server's answer is the truth once no other save is waiting (this one still counts).
    onSuccess: (view) => {
      if (queryClient.isMutating({ mutationKey: SAVE_KEY }) <= 1) queryClient.setQueryData(preferenceKeys.view, view)
    },
  })
}

type TopicPages = InfiniteData<AvailableTopicPage, string | undefined>

export function useAvailableTopics() {
  return useInfiniteQuery({
    queryKey: preferenceKeys.available,
    queryFn: ({ pageParam, signal }) => client.notifications.availableTopics({ limit: TOPICS_PAGE, cursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

/** Subscriptions: public topics followed, and private ones the service put the user in. */
export function useMyTopics() {
  return useQuery({ queryKey: preferenceKeys.mine, queryFn: ({ signal }) => client.notifications.topics({ signal }) })
}

const setFollowing = (key: string, following: boolean) =>
  queryClient.setQueryData<TopicPages>(
    preferenceKeys.available,
    (data) =>
      data && {
        ...data,
        pages: data.pages.map((page) => ({ ...page, items: page.items.map((t) => (t.key === key ? { ...t, following } : t)) })),
      },
  )

/** Follows or leaves a topic: the switch moves at once and moves back if the server says no. */
export function useFollowTopic() {
  return useMutation({
    scope: { id: 'topics' },
    mutationFn: ({ topic, follow }: { topic: AvailableTopic; follow: boolean }) =>
      follow ? client.notifications.follow(topic.key) : client.notifications.unfollow(topic.key),
    onMutate: async ({ topic, follow }) => {
      await queryClient.cancelQueries({ queryKey: preferenceKeys.available })
      setFollowing(topic.key, follow)
    },
    onError: (_error, { topic, follow }) => setFollowing(topic.key, !follow),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: preferenceKeys.mine }),
  })
}
