// What the chat module needs from outside, named narrowly so each part is easy to see and to swap:
// app.ts builds these from core (key ring, blind index, presence) and the files module.
import type { Tx } from '../../core/db/client'
import type { Static } from 'typebox'
import type { FileView } from '../files'
import type { MessageRow } from './repo'

/** Seals message text at rest (AES-256-GCM under the key ring), bound to the message id. */
export interface TextSealer {
  seal(text: string, messageId: string): Promise<string>
  open(sealed: string, messageId: string): Promise<string>
  /** The active key's id: rows sealed under another are re-sealed by the rotation job. */
  activeKeyId(): Promise<string>
}

/** Keyed HMAC tokens of normalized words, so encrypted text stays searchable (see docs/chat.md). */
export interface SearchIndexer {
  tokensFor(text: string): string[]
  queryTokens(query: string): string[]
}

export type Attachment = Static<typeof FileView>

/** The files module, as chat uses it: attachments belong to a message once sent. */
export interface ChatFiles {
  claim(tx: Tx, input: { uploaderId: string; fileIds: string[]; owner: { kind: string; id: string } }): Promise<void>
  views(fileIds: string[]): Promise<Attachment[]>
  deleteOwned(kind: string, ownerIds: string[]): Promise<void>
}

/** The content filter's answer for one text, under the notifications module's rules. */
export interface ContentPolicy {
  check(text: string): { ok: true } | { ok: false; reason: string }
  /** The text with what the rules forbid replaced by asterisks. */
  mask(text: string): string
}

/** Tells members who are offline when messages arrive (the notifications module, through a job). */
export interface OfflineNotifier {
  /** Inside the sends' transaction: enqueue what tells offline members (never lost with the messages). */
  enqueue(tx: Tx, sent: { message: MessageRow; recipients: string[] }[]): Promise<void>
}
