// `caravan keys rotate` makes a new data key active for content encrypted at rest (chat messages,
// stored files); a background job then re-seals what older keys sealed, while the node serves.
// `caravan keys status` shows the keys and how much is still under older ones. With a node running
// on the embedded database, the node does it; otherwise (PostgreSQL, or no node) this process does,
// and a running node's workers perform the re-encryption job.
import type { Config } from '../config'
import { CONTROL_PATHS, type KeyStatus } from '../core/http/control-routes'
import { aloneOrThroughNode, callNode, CommandError, withOwnCaravan } from './control-client'

export async function keysCommand(config: Config, args: string[]) {
  const [action] = args
  if (action !== 'rotate' && action !== 'status') throw new CommandError('usage: caravan keys rotate | caravan keys status')
  const status = await aloneOrThroughNode<KeyStatus>(
    config,
    // Not a worker here: the job waits for a node's workers (or runs when this one next starts).
    () =>
      withOwnCaravan(config, async (caravan) => {
        if (action === 'rotate') await caravan.services.keyRotation.rotate()
        return caravan.services.keyRotation.status()
      }),
    async (node) =>
      (await (await callNode(node, action === 'rotate' ? CONTROL_PATHS.keysRotate : CONTROL_PATHS.keysStatus)).json()) as KeyStatus,
  )
  if (action === 'rotate') console.log(`New active data key: ${status.activeKeyId}. Older content is re-encrypted in the background.`)
  console.log(`Data keys: ${status.keyIds.join(', ')} (active: ${status.activeKeyId})`)
  for (const [what, count] of Object.entries(status.remaining)) console.log(`  ${what}: ${count} still under older keys`)
}
