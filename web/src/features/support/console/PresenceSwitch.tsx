// The agent's own support status (online, away, offline) in the console's header. Online takes
// new tickets by round robin (and, when the status changes, waiting ones); the choice is the
// server's, read from the agents' list and kept current by `support.presence`.
import type { AgentStatus } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { SelectField } from '../../../ui'
import { asCaravanError } from '../../../ui/messages'
import { useSignedInUser } from '../../auth/session'
import { supportProblem } from '../problems'
import { useAgents, useSetPresence } from '../queries'

const STATUSES: AgentStatus[] = ['online', 'away', 'offline']

export function PresenceSwitch() {
  const { t } = useI18n()
  const me = useSignedInUser()
  const agents = useAgents()
  const set = useSetPresence()
  // An agent who never chose has no row yet: the server counts them offline.
  const mine = agents.data?.find((a) => a.userId === me.id)
  const status = set.isPending && set.variables ? set.variables : (mine?.status ?? 'offline')
  return (
    <div className={`sup-presence sup-presence-${status}`}>
      <span className="sup-presence-dot" aria-hidden="true" />
      <SelectField
        label={t('support.myStatus')}
        value={status}
        isDisabled={agents.isPending}
        onChange={(v) => v && v !== status && set.mutate(v as AgentStatus)}
        options={STATUSES.map((s) => ({ id: s, label: t(`support.presence.${s}`) }))}
        errorMessage={set.error ? supportProblem(t, asCaravanError(set.error)) : undefined}
      />
    </div>
  )
}
