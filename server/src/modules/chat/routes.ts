import { Type } from 'typebox'
import { currentUser, type Auth } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { Id, Page } from '../../core/http/schemas'
import { UserRefSchema } from '../accounts'
import * as S from './schemas'
import type { ChatService } from './service'

export const chatTags = [{ name: 'chat', description: 'Conversations, messages, search, blocks and moderation' }]

const ConversationParams = Type.Object({ id: Id })
const MessageParams = Type.Object({ id: Id, messageId: Id })
const ReactionParams = Type.Object({ id: Id, messageId: Id, emoji: S.Emoji })

export function chatRoutes(app: App, deps: { chat: ChatService; auth: Auth }) {
  const { chat, auth } = deps
  const { conversations: c, messages: m, moderation } = chat
  const member = auth.require()
  // The live chat widget's visitors read and write their own support conversations with these too.
  const memberOrVisitor = auth.require({ widget: true })
  const admin = auth.require({ roles: ['admin'] })
  const tags = ['chat']
  const notMember = 'A conversation you are not a member of answers 404, as if it did not exist.'

  // ---- conversations ----
  route(app, {
    method: 'POST',
    url: '/v1/conversations',
    operationId: 'createConversation',
    tags,
    access: member,
    errors: [403, 422],
    summary: 'Start a direct conversation (one per pair: an existing one is returned) or a group',
    schema: { body: S.CreateConversationBody, response: { 200: S.RefTo(S.Conversation), 201: S.RefTo(S.Conversation) } },
    handler: async (request, reply) => {
      const { conversation, created } = await c.create(currentUser(request).userId, request.body)
      return reply.code(created ? 201 : 200).send(conversation)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/conversations',
    operationId: 'listConversations',
    tags,
    access: member,
    summary: 'My conversations, most recent activity first, with the last message and my unread count',
    schema: { querystring: S.ConversationQuery, response: { 200: Page(S.RefTo(S.Conversation)) } },
    handler: async (request) => c.list(currentUser(request).userId, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/conversations/:id',
    operationId: 'getConversation',
    tags,
    access: member,
    errors: [404],
    summary: 'A conversation with its members, their read marks and presence',
    description: notMember,
    schema: { params: ConversationParams, response: { 200: S.RefTo(S.Conversation) } },
    handler: async (request) => c.get(currentUser(request).userId, request.params.id),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/conversations/:id',
    operationId: 'renameConversation',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Rename a group (its owner and admins)',
    schema: { params: ConversationParams, body: S.RenameBody, response: { 200: S.RefTo(S.Conversation) } },
    handler: async (request) => c.rename(currentUser(request).userId, request.params.id, request.body.name),
  })
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/members',
    operationId: 'addConversationMembers',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Add members to a group (its owner and admins)',
    schema: { params: ConversationParams, body: S.MembersBody, response: { 200: S.RefTo(S.Conversation) } },
    handler: async (request) => c.addMembers(currentUser(request).userId, request.params.id, request.body.memberIds),
  })
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/members/remove',
    operationId: 'removeConversationMembers',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Remove members from a group (its owner and admins; the owner cannot be removed)',
    schema: { params: ConversationParams, body: S.MembersBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await c.removeMembers(currentUser(request).userId, request.params.id, request.body.memberIds)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'PUT',
    url: '/v1/conversations/:id/members/:userId/role',
    operationId: 'setConversationMemberRole',
    tags,
    access: member,
    errors: [404, 422],
    summary: "Make a group member an admin or a plain member (the group's owner)",
    schema: { params: Type.Object({ id: Id, userId: Id }), body: S.MemberRoleBody, response: { 200: S.RefTo(S.Conversation) } },
    handler: async (request) => c.setRole(currentUser(request).userId, request.params.id, request.params.userId, request.body.role),
  })
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/leave',
    operationId: 'leaveConversation',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Leave a group (an owner leaving hands it to the longest-standing member)',
    schema: { params: ConversationParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await c.leave(currentUser(request).userId, request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/read',
    operationId: 'markConversationRead',
    tags,
    access: memberOrVisitor,
    errors: [404],
    summary: 'Mark the conversation read up to a seq (read receipts go to the other members)',
    schema: {
      params: ConversationParams,
      body: S.ReadBody,
      response: { 200: Type.Object({ lastReadSeq: Type.Integer(), lastDeliveredSeq: Type.Integer() }) },
    },
    handler: async (request) => m.mark('read', currentUser(request).userId, request.params.id, request.body.seq),
  })

  // ---- messages ----
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/messages',
    operationId: 'sendMessage',
    tags,
    access: memberOrVisitor,
    errors: [404, 422],
    summary: 'Send a message; the same clientMessageId returns the same message (200) instead of a copy',
    description: `${notMember} A blocked sender gets 403; over the flood limit, 429 with Retry-After.`,
    schema: { params: ConversationParams, body: S.SendBody, response: { 200: S.RefTo(S.Message), 201: S.RefTo(S.Message) } },
    handler: async (request, reply) => {
      const { message, duplicate } = await m.send(currentUser(request).userId, request.params.id, request.body)
      return reply.code(duplicate ? 200 : 201).send(message)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/conversations/:id/messages',
    operationId: 'listMessages',
    tags,
    access: memberOrVisitor,
    errors: [404],
    summary: 'Resync (?after=seq, oldest first) or history (?before=seq, or the newest without either), always sent oldest first',
    description: notMember,
    schema: { params: ConversationParams, querystring: S.MessagesQuery, response: { 200: S.MessagesPage } },
    handler: async (request) => m.list(currentUser(request).userId, request.params.id, request.query),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/conversations/:id/messages/:messageId',
    operationId: 'editMessage',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Edit my message (the earlier version is kept in its history)',
    schema: { params: MessageParams, body: S.EditBody, response: { 200: S.RefTo(S.Message) } },
    handler: async (request) => m.edit(currentUser(request).userId, request.params.id, request.params.messageId, request.body.text),
  })
  route(app, {
    method: 'GET',
    url: '/v1/conversations/:id/messages/:messageId/edits',
    operationId: 'listMessageEdits',
    tags,
    access: member,
    errors: [404],
    summary: "A message's earlier versions, oldest first",
    schema: { params: MessageParams, response: { 200: Type.Object({ items: Type.Array(S.MessageEdit) }) } },
    handler: async (request) => ({ items: await m.edits(currentUser(request).userId, request.params.id, request.params.messageId) }),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/conversations/:id/messages/:messageId',
    operationId: 'deleteMessage',
    tags,
    access: member,
    errors: [404],
    summary: 'Delete my message: it stays in place as a "deleted" tombstone with its seq',
    schema: { params: MessageParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await m.remove(currentUser(request).userId, request.params.id, request.params.messageId)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'PUT',
    url: '/v1/conversations/:id/messages/:messageId/reactions/:emoji',
    operationId: 'addReaction',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'React to a message (the emoji URL-encoded in the path)',
    schema: { params: ReactionParams, response: { 200: S.RefTo(S.Message) } },
    handler: async (request) => {
      const { id, messageId, emoji } = request.params
      return m.react(currentUser(request).userId, id, messageId, emoji, true)
    },
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/conversations/:id/messages/:messageId/reactions/:emoji',
    operationId: 'removeReaction',
    tags,
    access: member,
    errors: [404, 422],
    summary: 'Take back my reaction',
    schema: { params: ReactionParams, response: { 200: S.RefTo(S.Message) } },
    handler: async (request) => {
      const { id, messageId, emoji } = request.params
      return m.react(currentUser(request).userId, id, messageId, emoji, false)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/conversations/:id/messages/:messageId/report',
    operationId: 'reportMessage',
    tags,
    access: member,
    errors: [404, 409, 422],
    summary: "Report another member's message to the moderators",
    schema: { params: MessageParams, body: S.ReportBody, response: { 201: Type.Object({ id: Id }) } },
    handler: async (request, reply) =>
      reply.code(201).send(await m.report(currentUser(request).userId, request.params.id, request.params.messageId, request.body.reason)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/chat/search',
    operationId: 'searchMessages',
    tags,
    access: member,
    errors: [404],
    summary: 'Search my conversations (or one) for Persian and English words; the last word may be a prefix',
    schema: { querystring: S.SearchQuery, response: { 200: Page(S.SearchHit) } },
    handler: async (request) => m.search(currentUser(request).userId, request.query),
  })

  // ---- blocks ----
  route(app, {
    method: 'GET',
    url: '/v1/me/blocks',
    operationId: 'listBlocks',
    tags,
    access: member,
    summary: 'The users I have blocked',
    schema: { response: { 200: Type.Object({ items: Type.Array(S.BlockView) }) } },
    handler: async (request) => ({ items: await c.blocks(currentUser(request).userId) }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/blocks',
    operationId: 'blockUser',
    tags,
    access: member,
    errors: [422],
    summary: 'Block a user: they can no longer message me or start a direct conversation with me',
    schema: {
      body: Type.Object({ userId: UserRefSchema }, { additionalProperties: false }),
      response: { 200: Type.Object({ userId: Id }) },
    },
    handler: async (request) => c.block(currentUser(request).userId, request.body.userId),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/me/blocks/:userId',
    operationId: 'unblockUser',
    tags,
    access: member,
    summary: 'Unblock a user',
    schema: { params: Type.Object({ userId: Id }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await c.unblock(currentUser(request).userId, request.params.userId)
      return reply.code(204).send(null)
    },
  })

  // ---- moderation (admins) ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/chat/reports',
    operationId: 'listChatReports',
    tags,
    access: admin,
    summary: 'Reported messages, newest first (open ones by default)',
    schema: { querystring: S.ReportQuery, response: { 200: Page(S.Report) } },
    handler: async (request) => moderation.reports(request.query),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/chat/reports/:id/resolve',
    operationId: 'resolveChatReport',
    tags,
    access: admin,
    errors: [404],
    summary: 'Close a report (audited)',
    schema: { params: Type.Object({ id: Id }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await moderation.resolveReport(currentUser(request), request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/admin/chat/messages/:id',
    operationId: 'moderateDeleteMessage',
    tags,
    access: admin,
    errors: [404],
    summary: 'Delete any message (moderation; audited); it stays as a tombstone',
    schema: { params: Type.Object({ id: Id }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await m.adminRemove(currentUser(request), request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/chat/settings',
    operationId: 'getChatSettings',
    tags,
    access: admin,
    summary: 'Moderation mode, retention and flood limit',
    schema: { response: { 200: S.ChatSettings } },
    handler: async () => moderation.settings(),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/chat/settings',
    operationId: 'updateChatSettings',
    tags,
    access: admin,
    summary: 'Change moderation mode, retention or flood limit (audited; every node follows at once)',
    schema: { body: S.ChatSettingsPatch, response: { 200: S.ChatSettings } },
    handler: async (request) => moderation.updateSettings(request.principal!, request.body),
  })
}
