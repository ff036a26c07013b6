// How a `caravan` command reaches the node that owns DATA_DIR's embedded database: through the
// local control routes (core/http/control-routes.ts), at the URL and with the token the node wrote
// in DATA_DIR/caravan.lock. Commands never open a folder another process holds.
import { buildCaravan, type Caravan } from '../app'
import type { Config } from '../config'
import { DataDirInUseError, describeOwner, lockOwner, type LockOwner } from '../core/db/data-dir-lock'
import { CONTROL_TOKEN_HEADER } from '../core/http/control-routes'

/** A command that cannot go on: main prints `caravan: <message>` as one line and exits 1. */
export class CommandError extends Error {}

export type RunningNode = LockOwner & { url: string; token: string }

/** The node owning `dataDir`, once it listens (it may still be starting), or undefined if none runs. */
export async function runningNode(dataDir: string, waitMs = 60_000): Promise<RunningNode | undefined> {
  const end = Date.now() + waitMs
  for (;;) {
    const owner = lockOwner(dataDir)
    if (!owner) return undefined
    if (owner.url && owner.token) return owner as RunningNode
    if (Date.now() > end) {
      throw new CommandError(
        `the Caravan node on DATA_DIR ${dataDir} (pid ${owner.pid}) has not finished starting; try again once it is ready`,
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** POSTs to a control route of the running node; a refusal or an unreachable node is a CommandError. */
export async function callNode(node: RunningNode, path: string): Promise<Response> {
  let response: Response
  try {
    response = await fetch(node.url + path, { method: 'POST', headers: { [CONTROL_TOKEN_HEADER]: node.token } })
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message
    throw new CommandError(`cannot reach the running Caravan node (${describeOwner(node)}): ${cause}`)
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string }
    throw new CommandError(
      `the running Caravan node (pid ${node.pid}) refused: ${response.status} ${problem.detail ?? problem.title ?? ''}`.trim(),
    )
  }
  return response
}

/**
 * Runs `alone` when this process may open the embedded database (no node runs on DATA_DIR, or the
 * database is PostgreSQL), otherwise `throughNode` with the node that owns it.
 */
export async function aloneOrThroughNode<T>(
  config: Config,
  alone: () => Promise<T>,
  throughNode: (node: RunningNode) => Promise<T>,
): Promise<T> {
  const viaNode = async () => {
    const node = await runningNode(config.dataDir)
    if (!node) throw new CommandError(`the Caravan node on DATA_DIR ${config.dataDir} stopped meanwhile; run the command again`)
    return throughNode(node)
  }
  if (!config.databaseUrl && lockOwner(config.dataDir)) return viaNode()
  try {
    return await alone()
  } catch (e) {
    // A node took the folder between the look and the open.
    if (e instanceof DataDirInUseError) return viaNode()
    throw e
  }
}

/** `work` on a Caravan of this process (role api: jobs it sends wait for a node's workers), stopped after. */
export async function withOwnCaravan<T>(config: Config, work: (caravan: Caravan) => Promise<T>): Promise<T> {
  const caravan = await buildCaravan({ ...config, role: 'api', logLevel: 'warn' })
  try {
    await caravan.start()
    return await work(caravan)
  } finally {
    await caravan.stop()
  }
}
