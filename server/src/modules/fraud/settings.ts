// The rules document: read on every assessment, so served from memory (core/cache/hot-cache); an
// admin's change applies at once on every node (the invalidation bus drops every copy). Versioned:
// a change names the version it was made on, so two admins at once cannot silently overwrite each
// other (the second gets 409 fraud_rules_changed). Audited with the whole document, so the log
// says who loosened which rule.
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import './errors'
import { rulesRepo } from './repo'
import { checkRules, DEFAULT_RULES } from './rules'
import type { FraudRules, FraudRulesView, UpdateFraudRulesBody } from './schemas'

export function createFraudSettings(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  const { db } = deps
  const cache = createHotCache<FraudRulesView>({
    name: 'fraud.rules',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    async load() {
      const row = await rulesRepo.get(db)
      if (!row) return { version: 0, rules: DEFAULT_RULES, updatedBy: null, updatedAt: null }
      // A document stored before a field existed gets that field's default.
      const rules = { ...DEFAULT_RULES, ...(row.rules as Partial<FraudRules>) }
      return { version: row.version, rules, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() }
    },
  })

  async function write(actor: Principal, body: UpdateFraudRulesBody): Promise<FraudRulesView> {
    const errors = checkRules(body.rules)
    if (errors.length) throw new AppError('validation', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors })
    await db.transaction(async (tx) => {
      const row = await rulesRepo.write(tx, body.rules, body.version, principalKey(actor))
      if (!row) throw new AppError('fraud_rules_changed')
      await deps.audit.append(tx, {
        actor,
        action: 'fraud_rules.updated',
        targetType: 'fraud_rules',
        data: { version: row.version, rules: body.rules },
      })
    })
    await cache.invalidate('rules')
    return cache.get('rules')
  }

  return { read: () => cache.get('rules'), write }
}

export type FraudSettings = ReturnType<typeof createFraudSettings>
