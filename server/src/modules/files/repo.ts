// SQL for the files table only: no rules here; every function takes the executor to run on (the
// database or an open transaction).
import { and, asc, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { files, type FileStatus } from './tables'

export type FileRow = typeof files.$inferSelect
export type NewFile = typeof files.$inferInsert

export const filesRepo = {
  async insert(x: Executor, row: NewFile): Promise<FileRow> {
    const [created] = await x.insert(files).values(row).returning()
    return created
  },

  async byId(x: Executor, id: string): Promise<FileRow | undefined> {
    const [row] = await x.select().from(files).where(eq(files.id, id))
    return row
  },

  byIds(x: Executor, ids: string[]): Promise<FileRow[]> {
    if (!ids.length) return Promise.resolve([])
    return x.select().from(files).where(inArray(files.id, ids))
  },

  /**
   * Gives the uploader's own unattached files to an owner; returns the ids that were. The
   * conditions sit in the UPDATE itself, so of two transactions claiming one file only the first
   * to lock the row gets it.
   */
  async claim(x: Executor, uploaderId: string, ids: string[], owner: { kind: string; id: string }): Promise<string[]> {
    const rows = await x
      .update(files)
      .set({ ownerKind: owner.kind, ownerId: owner.id, attachedAt: sql`now()` })
      .where(and(inArray(files.id, ids), eq(files.uploaderId, uploaderId), isNull(files.ownerId), ne(files.status, 'blocked')))
      .returning({ id: files.id })
    return rows.map((r) => r.id)
  },

  /** Records the scan's verdict once; the row as it is then (with its current owner), or nothing when it was decided already or is gone. */
  async decide(x: Executor, id: string, status: FileStatus, signature: string | null): Promise<FileRow | undefined> {
    const [row] = await x
      .update(files)
      .set({ status, signature })
      .where(and(eq(files.id, id), eq(files.status, 'scanning')))
      .returning()
    return row
  },

  async deleteOwned(x: Executor, kind: string, ownerIds: string[]): Promise<FileRow[]> {
    if (!ownerIds.length) return []
    return x
      .delete(files)
      .where(and(eq(files.ownerKind, kind), inArray(files.ownerId, ownerIds)))
      .returning()
  },

  /** Up to `limit` uploads never sent and created before `before`, deleted. */
  async deleteUnattached(x: Executor, before: Date, limit: number): Promise<FileRow[]> {
    const doomed = x
      .select({ id: files.id })
      .from(files)
      .where(and(isNull(files.ownerId), lt(files.createdAt, before)))
      .orderBy(asc(files.createdAt))
      .limit(limit)
    return x.delete(files).where(inArray(files.id, doomed)).returning()
  },

  ofUploader(x: Executor, uploaderId: string): Promise<FileRow[]> {
    return x.select().from(files).where(eq(files.uploaderId, uploaderId)).orderBy(asc(files.createdAt))
  },

  deleteOfUploader(x: Executor, uploaderId: string): Promise<FileRow[]> {
    return x.delete(files).where(eq(files.uploaderId, uploaderId)).returning()
  },

  async countNotUnderKey(x: Executor, keyId: string): Promise<number> {
    const [row] = await x
      .select({ n: sql<number>`count(*)::int` })
      .from(files)
      .where(ne(files.keyId, keyId))
    return Number(row?.n ?? 0)
  },
  /** Files whose blobs are under another key than `keyId` (key rotation), by id, after `after`. */
  notUnderKey(x: Executor, keyId: string, limit: number, after?: string): Promise<FileRow[]> {
    const under = after ? and(ne(files.keyId, keyId), gt(files.id, after)) : ne(files.keyId, keyId)
    return x.select().from(files).where(under).orderBy(asc(files.id)).limit(limit)
  },

  async setKey(x: Executor, id: string, from: string, to: string): Promise<boolean> {
    const rows = await x
      .update(files)
      .set({ keyId: to })
      .where(and(eq(files.id, id), eq(files.keyId, from)))
      .returning({ id: files.id })
    return rows.length > 0
  },
}
