// `caravan ledger check`: the wallet ledger's invariants (postings sum to zero per currency, every
// balance equals its postings and its last running balance, pending counters equal the open holds,
// no wallet below zero, every posted transfer has its two postings). Exit 1 when one is broken.
// With a node running on the embedded database, the node checks; otherwise this process does.
import type { Config } from '../config'
import { CONTROL_PATHS } from '../core/http/control-routes'
import type { WalletService } from '../modules/wallet'
import { aloneOrThroughNode, callNode, CommandError, withOwnCaravan } from './control-client'

type Check = Awaited<ReturnType<WalletService['check']>>

export async function ledgerCommand(config: Config, args: string[]) {
  if (args[0] !== 'check') throw new CommandError('usage: caravan ledger check')
  const result = await aloneOrThroughNode<Check>(
    config,
    () => withOwnCaravan(config, (caravan) => caravan.services.wallet.check()),
    async (node) => (await (await callNode(node, CONTROL_PATHS.ledgerCheck)).json()) as Check,
  )
  for (const c of result.currencies) console.log(`${c.currency}: ${c.accounts} accounts, ${c.transfers} transfers`)
  if (result.ok) return console.log('The ledger balances: every invariant holds.')
  for (const v of result.violations) console.error(`BROKEN ${v.rule} (${v.subject}): ${v.detail}`)
  throw new CommandError(`${result.violations.length} invariant violation(s)`)
}
