// Conversations and their members: create (one direct conversation per pair), list, rename, add,
// remove, leave, roles, and blocks. Membership changes write a system message, so the history
// says who joined and left, and move the members' sockets in or out of the conversation's room.
import type { Db, Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import type { AccountsService, UserRef } from '../accounts'
import { conversationRoom } from './events'
import { appendMessage } from './append'
import { blocksRepo, conversationsRepo, membersRepo, type ConversationRow, type MemberRow, type MessageRow } from './repo'
import { MAX_GROUP_MEMBERS, type ConversationView } from './schemas'
import type { SystemEvent } from './tables'
import type { ChatViews } from './views'

export interface RoomMover {
  join(userIds: string[], room: string): void
  leave(userIds: string[], room: string): void
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/

function decodeActivityCursor(cursor: string | undefined) {
  if (!cursor) return undefined
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match)
    throw new AppError('validation', 'The cursor is not valid', {
      errors: [{ field: 'querystring.cursor', message: 'is not a cursor this API returned' }],
    })
  return { at: new Date(match[1]), id: match[2] }
}

export function createConversations(deps: {
  db: Db
  events: EventBus
  accounts: AccountsService
  views: ChatViews
  rooms: () => RoomMover | undefined
}) {
  const { db, events, accounts, views } = deps

  /** Caravan ids of the users a request names; every one must be a live user. */
  async function resolveMembers(refs: UserRef[], field: string): Promise<string[]> {
    const ids = [...new Set(await accounts.hostUsers.resolveRefs(refs, { upsert: false, field }))]
    const live = new Set((await accounts.contactsOf(ids)).map((c) => c.id))
    const missing = ids.find((id) => !live.has(id))
    if (missing) throw new AppError('unprocessable', `No user ${missing}`, { errors: [{ field, message: `no user ${missing}` }] })
    return ids
  }

  /** The conversation, if the user is a member; 404 otherwise (a non-member cannot tell it exists). */
  async function requireMember(
    x: Db | Tx,
    conversationId: string,
    userId: string,
  ): Promise<{ conversation: ConversationRow; member: MemberRow }> {
    const [conversation, member] = await Promise.all([
      conversationsRepo.byId(x, conversationId),
      membersRepo.get(x, conversationId, userId),
    ])
    if (!conversation || !member) throw new AppError('not_found', 'No such conversation')
    return { conversation, member }
  }

  async function view(conversationId: string, viewerId: string): Promise<ConversationView> {
    const row = await conversationsRepo.byId(db, conversationId)
    if (!row) throw new AppError('not_found', 'No such conversation')
    const [v] = await withBlocks(await views.conversations([row], viewerId), viewerId)
    return v
  }

  async function withBlocks(list: ConversationView[], viewerId: string): Promise<ConversationView[]> {
    return Promise.all(
      list.map(async (c) => {
        if (c.kind !== 'direct') return c
        const other = c.members.find((m) => m.userId !== viewerId)?.userId
        if (!other) return c
        const blocked = (await blocksRepo.blockedAny(db, [other], viewerId)) || (await blocksRepo.blockedAny(db, [viewerId], other))
        return { ...c, blocked }
      }),
    )
  }

  /** The conversation as every member sees it (without personal counts). */
  async function shared(conversationId: string, viewerId: string) {
    const { unreadCount: _u, myRole: _r, ...conversation } = await view(conversationId, viewerId)
    return conversation
  }

  async function publishUpdated(conversationId: string, viewerId: string) {
    const conversation = await shared(conversationId, viewerId)
    await events.publish(events.event('conversation:updated', { conversation }, { rooms: [conversationRoom(conversationId)] }))
  }

  /** A new conversation: its members' sockets join its room, and each member's sockets hear of it. */
  async function publishCreated(conversationId: string, creatorId: string, memberIds: string[]) {
    deps.rooms()?.join(memberIds, conversationRoom(conversationId))
    const conversation = await shared(conversationId, creatorId)
    await events.publish(events.event('conversation:created', { conversation }, { userIds: memberIds }))
  }

  /** A system message; its actor has seen it, so it is not unread for them. */
  async function system(tx: Tx, conversationId: string, event: SystemEvent) {
    return appendMessage(tx, { conversationId, senderId: null, kind: 'system', system: event }, event.actorId)
  }

  /** After the commit, a system message reaches the members' sockets like any message. */
  async function announce(row: MessageRow | undefined) {
    if (row) await events.publish(events.event('message:new', await views.fresh(row), { rooms: [conversationRoom(row.conversationId)] }))
  }

  async function create(userId: string, input: { type: 'direct' | 'group'; memberIds: UserRef[]; name?: string }) {
    const others = (await resolveMembers(input.memberIds, 'body.memberIds')).filter((id) => id !== userId)
    if (input.type === 'direct') {
      if (others.length !== 1)
        throw new AppError('validation', 'A direct conversation has exactly one other member', {
          errors: [{ field: 'body.memberIds', message: 'must name exactly one other user' }],
        })
      if (input.name)
        throw new AppError('validation', 'A direct conversation has no name', {
          errors: [{ field: 'body.name', message: 'only groups have a name' }],
        })
      const other = others[0]
      if (await blocksRepo.blockedAny(db, [other], userId)) throw new AppError('blocked', 'This user does not accept your messages')
      const directKey = [userId, other].sort().join(':')
      const existing = await conversationsRepo.byDirectKey(db, directKey)
      if (existing) return { conversation: await view(existing.id, userId), created: false }
      const id = newId()
      const inserted = await db.transaction(async (tx) => {
        const row = await conversationsRepo.insert(tx, { id, kind: 'direct', directKey, createdBy: userId })
        // Two people starting the same conversation at once: the second finds the first's.
        if (!row) return undefined
        await membersRepo.insert(tx, [
          { conversationId: id, userId, role: 'member' },
          { conversationId: id, userId: other, role: 'member' },
        ])
        return row
      })
      if (!inserted) {
        const raced = await conversationsRepo.byDirectKey(db, directKey)
        return { conversation: await view(raced!.id, userId), created: false }
      }
      await publishCreated(id, userId, [userId, other])
      return { conversation: await view(id, userId), created: true }
    }
    if (!input.name)
      throw new AppError('validation', 'A group needs a name', { errors: [{ field: 'body.name', message: 'is required for a group' }] })
    if (others.length + 1 > MAX_GROUP_MEMBERS) throw new AppError('unprocessable', `A group has at most ${MAX_GROUP_MEMBERS} members`)
    const id = newId()
    const created = await db.transaction(async (tx) => {
      await conversationsRepo.insert(tx, { id, kind: 'group', name: input.name, createdBy: userId })
      await membersRepo.insert(tx, [
        { conversationId: id, userId, role: 'owner' },
        ...others.map((u) => ({ conversationId: id, userId: u, role: 'member' as const })),
      ])
      return system(tx, id, { event: 'created', actorId: userId, userIds: others, name: input.name })
    })
    await publishCreated(id, userId, [userId, ...others])
    await announce(created)
    return { conversation: await view(id, userId), created: true }
  }

  /** For the support module: a conversation between a customer and agents. */
  async function createSupport(input: { customerId: string; agentIds: string[]; name?: string }) {
    const id = newId()
    await db.transaction(async (tx) => {
      await conversationsRepo.insert(tx, { id, kind: 'support', name: input.name ?? null, createdBy: input.customerId })
      await membersRepo.insert(tx, [
        { conversationId: id, userId: input.customerId, role: 'member' },
        ...input.agentIds.map((u) => ({ conversationId: id, userId: u, role: 'admin' as const })),
      ])
    })
    await publishCreated(id, input.customerId, [input.customerId, ...input.agentIds])
    return view(id, input.customerId)
  }

  /**
   * For the support module: an agent joins a support conversation to answer it (one outside the
   * site's team, an admin). Joining again changes nothing.
   */
  async function joinSupport(conversationId: string, userId: string) {
    const conversation = await conversationsRepo.byId(db, conversationId)
    if (!conversation || conversation.kind !== 'support') throw new AppError('not_found', 'No such support conversation')
    const joined = await db.transaction(async (tx) => {
      const rows = await membersRepo.insert(tx, [{ conversationId, userId, role: 'admin' }])
      return rows.length ? system(tx, conversationId, { event: 'joined', actorId: userId, userIds: [userId] }) : undefined
    })
    if (joined) {
      await publishCreated(conversationId, userId, [userId])
      await announce(joined)
    }
  }

  async function list(userId: string, q: { cursor?: string; limit?: number }) {
    const limit = q.limit ?? 20
    const rows = await conversationsRepo.listOfUser(db, userId, limit + 1, decodeActivityCursor(q.cursor))
    const page = rows.slice(0, limit).map((r) => r.conversation)
    const last = page.at(-1)
    return {
      items: await withBlocks(await views.conversations(page, userId), userId),
      nextCursor: rows.length > limit && last ? Buffer.from(`${last.lastMessageAt.toISOString()}|${last.id}`).toString('base64url') : null,
    }
  }

  async function get(userId: string, conversationId: string) {
    await requireMember(db, conversationId, userId)
    return view(conversationId, userId)
  }

  function requireGroupManager(conversation: ConversationRow, member: MemberRow) {
    if (conversation.kind !== 'group') throw new AppError('unprocessable', 'Only a group can be renamed or have its members changed')
    if (member.role === 'member') throw new AppError('forbidden', "Only the group's owner and admins can do this")
  }

  async function rename(userId: string, conversationId: string, name: string) {
    const { conversation, member } = await requireMember(db, conversationId, userId)
    requireGroupManager(conversation, member)
    if (conversation.name !== name)
      await announce(
        await db.transaction(async (tx) => {
          await conversationsRepo.rename(tx, conversationId, name)
          return system(tx, conversationId, { event: 'renamed', actorId: userId, name })
        }),
      )
    await publishUpdated(conversationId, userId)
    return view(conversationId, userId)
  }

  async function addMembers(userId: string, conversationId: string, refs: UserRef[]) {
    const { conversation, member } = await requireMember(db, conversationId, userId)
    requireGroupManager(conversation, member)
    const ids = await resolveMembers(refs, 'body.memberIds')
    const added = await db.transaction(async (tx) => {
      const rows = await membersRepo.insert(
        tx,
        ids.map((u) => ({ conversationId, userId: u, role: 'member' as const })),
      )
      const count = (await membersRepo.listOf(tx, [conversationId])).length
      if (count > MAX_GROUP_MEMBERS) throw new AppError('unprocessable', `A group has at most ${MAX_GROUP_MEMBERS} members`)
      const joined = rows.map((r) => r.userId)
      return {
        joined,
        message: joined.length ? await system(tx, conversationId, { event: 'joined', actorId: userId, userIds: joined }) : undefined,
      }
    })
    deps.rooms()?.join(added.joined, conversationRoom(conversationId))
    await announce(added.message)
    await publishUpdated(conversationId, userId)
    return view(conversationId, userId)
  }

  async function removeMembers(userId: string, conversationId: string, refs: UserRef[]) {
    const { conversation, member } = await requireMember(db, conversationId, userId)
    requireGroupManager(conversation, member)
    const ids = await accounts.hostUsers.resolveRefs(refs, { upsert: false, field: 'body.memberIds', ignoreUnknown: true })
    const removed = await db.transaction(async (tx) => {
      const members = await membersRepo.listOf(tx, [conversationId])
      const owner = members.find((m) => m.role === 'owner')
      if (owner && ids.includes(owner.userId) && owner.userId !== userId)
        throw new AppError('forbidden', "The group's owner cannot be removed")
      const gone = await membersRepo.remove(tx, conversationId, ids)
      return {
        gone,
        message: gone.length ? await system(tx, conversationId, { event: 'removed', actorId: userId, userIds: gone }) : undefined,
      }
    })
    await announce(removed.message)
    await afterLeaving(conversationId, removed.gone, userId)
    return view(conversationId, userId).catch(() => undefined)
  }

  async function leave(userId: string, conversationId: string) {
    const { conversation } = await requireMember(db, conversationId, userId)
    if (conversation.kind === 'direct') throw new AppError('unprocessable', 'A direct conversation cannot be left; block the user instead')
    const left = await db.transaction(async (tx) => {
      await membersRepo.remove(tx, conversationId, [userId])
      const rest = await membersRepo.listOf(tx, [conversationId])
      // An owner leaving hands the group to its longest-standing member.
      if (rest.length && !rest.some((m) => m.role === 'owner')) await membersRepo.setRole(tx, conversationId, rest[0].userId, 'owner')
      return system(tx, conversationId, { event: 'left', actorId: userId })
    })
    await announce(left)
    await afterLeaving(conversationId, [userId], undefined)
  }

  async function afterLeaving(conversationId: string, userIds: string[], viewerId: string | undefined) {
    if (!userIds.length) return
    deps.rooms()?.leave(userIds, conversationRoom(conversationId))
    for (const u of userIds) await events.publish(events.event('conversation:removed', { conversationId }, { userIds: [u] }))
    const anyone = viewerId ?? (await membersRepo.listOf(db, [conversationId]))[0]?.userId
    if (anyone) await publishUpdated(conversationId, anyone)
  }

  async function setRole(userId: string, conversationId: string, targetId: string, role: 'admin' | 'member') {
    const { conversation, member } = await requireMember(db, conversationId, userId)
    if (conversation.kind !== 'group') throw new AppError('unprocessable', 'Only groups have member roles')
    if (member.role !== 'owner') throw new AppError('forbidden', "Only the group's owner can change roles")
    const target = await membersRepo.get(db, conversationId, targetId)
    if (!target) throw new AppError('not_found', 'No such member')
    if (target.role === 'owner') throw new AppError('unprocessable', "The owner's role cannot be changed")
    await membersRepo.setRole(db, conversationId, targetId, role)
    await publishUpdated(conversationId, userId)
    return view(conversationId, userId)
  }

  async function block(userId: string, ref: UserRef) {
    const [target] = await resolveMembers([ref], 'body.userId')
    if (target === userId) throw new AppError('unprocessable', 'You cannot block yourself')
    await blocksRepo.add(db, userId, target)
    return { userId: target }
  }

  async function unblock(userId: string, targetId: string) {
    await blocksRepo.remove(db, userId, targetId)
  }

  async function blocks(userId: string) {
    return (await blocksRepo.listOf(db, userId)).map((b) => ({ userId: b.blockedId, createdAt: b.createdAt.toISOString() }))
  }

  return {
    create,
    createSupport,
    joinSupport,
    list,
    get,
    view,
    rename,
    addMembers,
    removeMembers,
    leave,
    setRole,
    block,
    unblock,
    blocks,
    requireMember,
  }
}

export type Conversations = ReturnType<typeof createConversations>
