// Canned responses (inserted with /shortcut in the composer, Liquid placeholders filled for the
// ticket at hand) and macros (several field changes at once). Both are shared by the whole desk.
import type { Audit } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import { isUniqueViolation } from '../../core/db/errors'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { sandboxedLiquid } from '../../core/text/liquid'
import type { AccountsService } from '../accounts'
import { cannedRepo, macrosRepo, ticketsRepo } from './repo'
import type { CannedBody, MacroBody } from './schemas'
import type { Tickets } from './tickets'
import { normalizeTags } from './tickets'
import { cannedView, macroView } from './views'

const liquid = sandboxedLiquid()

export function createCanned(deps: { db: Db; audit: Audit; accounts: AccountsService; tickets: Tickets }) {
  const { db, audit, accounts, tickets } = deps

  /** Placeholders must parse when saved, not fail in front of a customer later. */
  function checkTemplate(body: string) {
    try {
      liquid.parse(body)
    } catch (e) {
      throw new AppError('validation', 'The text is not a valid template', {
        errors: [{ field: 'body.body', message: `cannot be parsed: ${String((e as Error).message).split('\n')[0]}` }],
      })
    }
  }

  async function create(actor: Principal, body: CannedBody) {
    checkTemplate(body.body)
    const row = await db.transaction(async (tx) => {
      const inserted = await cannedRepo.insert(tx, { id: newId(), ...body })
      if (!inserted) throw new AppError('conflict', `The shortcut /${body.shortcut} is taken`)
      await audit.append(tx, { actor, action: 'support.canned_created', targetType: 'support_canned_response', targetId: inserted.id })
      return inserted
    })
    return cannedView(row)
  }

  async function update(actor: Principal, id: string, body: Partial<CannedBody>) {
    if (body.body !== undefined) checkTemplate(body.body)
    const row = await db.transaction(async (tx) => {
      const updated = await cannedRepo.update(tx, id, body).catch((e) => {
        if (isUniqueViolation(e)) throw new AppError('conflict', `The shortcut /${body.shortcut} is taken`)
        throw e
      })
      if (!updated) throw new AppError('not_found', 'No such canned response')
      await audit.append(tx, { actor, action: 'support.canned_updated', targetType: 'support_canned_response', targetId: id })
      return updated
    })
    return cannedView(row)
  }

  async function remove(actor: Principal, id: string) {
    await db.transaction(async (tx) => {
      if (!(await cannedRepo.delete(tx, id))) throw new AppError('not_found', 'No such canned response')
      await audit.append(tx, { actor, action: 'support.canned_deleted', targetType: 'support_canned_response', targetId: id })
    })
  }

  const list = async (q: string | undefined, limit: number) => (await cannedRepo.search(db, q?.replace(/^\//, ''), limit)).map(cannedView)

  /** The response's text for one ticket: {{ customer.name }}, {{ ticket.number }}, {{ agent.name }}… */
  async function render(principal: Principal, id: string, ticketId: string) {
    const actor = tickets.actorOf(principal)
    const canned = await cannedRepo.byId(db, id)
    if (!canned) throw new AppError('not_found', 'No such canned response')
    const t = tickets.visible(actor, await ticketsRepo.byId(db, ticketId))
    const [customer, agent] = await Promise.all([
      accounts.contactsOf([t.requesterId]).then((c) => c[0]),
      actor.userId ? accounts.contactsOf([actor.userId]).then((c) => c[0]) : undefined,
    ])
    const scope = {
      customer: { name: customer?.name ?? '', email: customer?.email ?? '', externalId: customer?.externalId ?? '' },
      ticket: { number: t.number, subject: t.subject, status: t.status, priority: t.priority },
      agent: { name: agent?.name ?? '' },
    }
    try {
      return { text: String(await liquid.parseAndRender(canned.body, scope)) }
    } catch (e) {
      throw new AppError('unprocessable', `The canned response cannot be filled in: ${String((e as Error).message).split('\n')[0]}`)
    }
  }

  async function createMacro(actor: Principal, body: MacroBody) {
    const row = await db.transaction(async (tx) => {
      const inserted = await macrosRepo.insert(tx, { id: newId(), name: body.name.trim(), actions: body.actions })
      if (!inserted) throw new AppError('conflict', `A macro named "${body.name}" exists`)
      await audit.append(tx, { actor, action: 'support.macro_created', targetType: 'support_macro', targetId: inserted.id })
      return inserted
    })
    return macroView(row)
  }

  async function updateMacro(actor: Principal, id: string, body: Partial<MacroBody>) {
    const row = await db.transaction(async (tx) => {
      const updated = await macrosRepo.update(tx, id, { ...body, ...(body.name ? { name: body.name.trim() } : {}) }).catch((e) => {
        if (isUniqueViolation(e)) throw new AppError('conflict', `A macro named "${body.name}" exists`)
        throw e
      })
      if (!updated) throw new AppError('not_found', 'No such macro')
      await audit.append(tx, { actor, action: 'support.macro_updated', targetType: 'support_macro', targetId: id })
      return updated
    })
    return macroView(row)
  }

  async function removeMacro(actor: Principal, id: string) {
    await db.transaction(async (tx) => {
      if (!(await macrosRepo.delete(tx, id))) throw new AppError('not_found', 'No such macro')
      await audit.append(tx, { actor, action: 'support.macro_deleted', targetType: 'support_macro', targetId: id })
    })
  }

  /** Applies a macro as one update of the ticket: one lock, one set of timeline entries. */
  async function applyMacro(principal: Principal, ticketId: string, macroId: string) {
    const macro = await macrosRepo.byId(db, macroId)
    if (!macro) throw new AppError('not_found', 'No such macro')
    const t = tickets.visible(tickets.actorOf(principal), await ticketsRepo.byId(db, ticketId))
    const { status, priority, addTags = [], removeTags = [] } = macro.actions
    const remove = new Set(normalizeTags(removeTags))
    const tags = addTags.length || removeTags.length ? normalizeTags([...t.tags, ...addTags]).filter((x) => !remove.has(x)) : undefined
    return tickets.update(principal, ticketId, { status, priority, tags })
  }

  return {
    create,
    update,
    remove,
    list,
    render,
    macros: { create: createMacro, update: updateMacro, remove: removeMacro, list: async () => (await macrosRepo.list(db)).map(macroView) },
    applyMacro,
  }
}
