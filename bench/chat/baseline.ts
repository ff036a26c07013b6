// The baseline: a bare socket.io server with the same rooms and the same two events, and nothing
// else (no auth, no database, no numbering). run.ts drives it and Caravan with one harness and
// reports Caravan as a ratio of it, measured in the same run on the same machine.
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const http = createServer()
const io = new Server(http, { path: '/realtime', serveClient: false })
const seqs = new Map<string, number>()

io.on('connection', (socket) => {
  // The client says which conversations it is in (Caravan knows it from the database).
  const rooms = String(socket.handshake.auth?.rooms ?? '')
    .split(',')
    .filter(Boolean)
  socket.join(rooms)
  socket.on('message:send', (payload: { conversationId: string; clientMessageId: string; text: string }, ack: (a: unknown) => void) => {
    const seq = (seqs.get(payload.conversationId) ?? 0) + 1
    seqs.set(payload.conversationId, seq)
    const message = { id: payload.clientMessageId, conversationId: payload.conversationId, seq, text: payload.text, senderId: socket.id }
    io.to(payload.conversationId).emit('message:new', message)
    ack({ ok: true, data: { id: message.id, seq } })
  })
})

http.listen(0, '127.0.0.1', () => {
  const address = http.address()
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
})
const stop = () => io.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
