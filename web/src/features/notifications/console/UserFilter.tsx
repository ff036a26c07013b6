// A user filter: someone picked by typing part of their name or email (searched on the server),
// or a pasted user ID. The value is the user's id, '' for anyone.
import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useI18n } from '../../../i18n'
import { ComboBoxField, type Option } from '../../../ui'
import { client } from '../../auth/session'
import { consoleKeys } from './queries'

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function UserFilter({ label, value, onChange }: { label: string; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n()
  const [typed, setTyped] = useState('')
  const [q, setQ] = useState('')
  // A short pause after typing, so each key press is not a request.
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250)
    return () => clearTimeout(timer)
  }, [typed])
  const found = useQuery({
    queryKey: ['admin', 'users', 'pick', q],
    queryFn: ({ signal }) => client.admin.listUsers({ q: q || undefined, limit: 10 }, { signal }),
  })
  // A link may name someone the search has not found: read that one user for the label.
  const chosen = useQuery({
    queryKey: consoleKeys.user(value),
    queryFn: ({ signal }) => client.admin.getUser(value, { signal }),
    enabled: Boolean(value),
    retry: false,
  })
  const labelOf = (u: { email: string | null; name: string | null; externalId: string | null; id: string }) =>
    u.name && u.email ? `${u.name} (${u.email})` : (u.name ?? u.email ?? u.externalId ?? u.id)
  const options: Option[] = (found.data?.items ?? []).map((u) => ({ id: u.id, label: labelOf(u) }))
  if (value && !options.some((o) => o.id === value)) options.unshift({ id: value, label: chosen.data ? labelOf(chosen.data) : value })
  // A pasted id is an option of its own.
  if (UUID.test(q) && !options.some((o) => o.id === q.toLowerCase())) options.push({ id: q.toLowerCase(), label: q.toLowerCase() })
  return (
    <ComboBoxField
      label={label}
      description={t('nconsole.userFilterHint')}
      options={options}
      value={value || null}
      onChange={(id) => onChange(id ?? '')}
      onInputChange={setTyped}
      // The server already matched what was typed; filtering again would hide names matched by email.
      menuTrigger="input"
      allowsEmptyCollection
    />
  )
}
