import { describe, expect, it } from 'vitest'
import { trackStatements } from './tracked-statements'

/** An executor whose statements finish (or fail) when the test says. */
function gatedExecutor() {
  const pending: { text: string; finish: () => void; fail: () => void }[] = []
  return {
    pending,
    executeSql: (text: string) =>
      new Promise<{ rows: any[]; rowCount: number }>((resolve, reject) => {
        pending.push({ text, finish: () => resolve({ rows: [], rowCount: 1 }), fail: () => reject(new Error(`${text} failed`)) })
      }),
  }
}

describe('trackStatements', () => {
  it('settles only when every statement in flight has finished, including one started meanwhile', async () => {
    const db = gatedExecutor()
    const { executor, settled } = trackStatements(db)
    const first = executor.executeSql('complete 1')
    let done = false
    const waiting = settled().then(() => (done = true))
    const second = executor.executeSql('complete 2')
    db.pending[0].finish()
    await first
    await Promise.resolve()
    expect(done).toBe(false)
    db.pending[1].fail()
    await expect(second).rejects.toThrow('complete 2 failed')
    await waiting
    expect(done).toBe(true)
  })

  it('settles at once with nothing in flight, and passes results through', async () => {
    const db = gatedExecutor()
    const { executor, settled } = trackStatements(db)
    await settled()
    const statement = executor.executeSql('select 1')
    db.pending[0].finish()
    await expect(statement).resolves.toEqual({ rows: [], rowCount: 1 })
    await settled()
  })
})
