// `caravan demo`: creates (or resets) the demo admin, agent and customer and prints their logins.
// With a node running on the embedded database, the node does it (the accounts reach that node and
// its caches); otherwise this process opens the database itself.
import type { Config } from '../config'
import { CONTROL_PATHS, type DemoPerson } from '../core/http/control-routes'
import { aloneOrThroughNode, callNode, withOwnCaravan } from './control-client'

export async function demoCommand(config: Config) {
  const { people, signInUrl } = await aloneOrThroughNode(
    config,
    () => withOwnCaravan(config, async (caravan) => ({ people: await caravan.services.accounts.seedDemo(), signInUrl: config.publicUrl })),
    async (node) => (await (await callNode(node, CONTROL_PATHS.demo)).json()) as { people: DemoPerson[]; signInUrl: string },
  )
  console.log(`Demo accounts (sign in at ${signInUrl}):`)
  for (const p of people) console.log(`  ${p.role.padEnd(8)} ${p.email.padEnd(30)} ${p.password}`)
}
