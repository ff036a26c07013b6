// The chat module's public face: its service (the support module creates support conversations
// through it) and its routes.
export { createChatService, type ChatService, type ChatDeps } from './service'
export { chatRoutes, chatTags } from './routes'
export { chatSchemas, Message as ChatMessageSchema } from './schemas'
export type { ContentPolicy, SearchIndexer, TextSealer } from './ports'
