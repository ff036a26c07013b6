// What the SDK's unit tests share: a signed-in user and the clock they run at.
import type { User } from '../src/types.js'

export const T0 = 1_800_000_000_000

export const testUser = (overrides: Partial<User> = {}): User => ({
  id: 'u1',
  externalId: null,
  email: 'a@example.com',
  name: 'A',
  locale: 'fa',
  timezone: 'Asia/Tehran',
  phone: null,
  role: 'customer',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
})
