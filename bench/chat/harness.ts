// The chat load: socket.io clients in conversations, a paced open-loop sender, and the latency of
// every delivery. One message = one `message:send` from a random member; each other member's
// `message:new` is one delivery, timed from the send (the text carries the sender and the time).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { positiveInt } from '../lib/env'

export interface Member {
  url: string
  auth: Record<string, string>
}

export interface StepResult {
  targetRate: number
  /** Messages acknowledged per second. */
  ackedRate: number
  sent: number
  acked: number
  errors: number
  deliveries: number
  /** Deliveries expected (each acked message × the other members) that never arrived. */
  lost: number
  p50: number
  p99: number
}

const PAD = 'x'.repeat(70)

export async function connectAll(members: Member[], concurrency = 50): Promise<Socket[]> {
  const sockets: Socket[] = new Array(members.length)
  let next = 0
  async function worker() {
    while (next < members.length) {
      const i = next++
      const s = io(members[i].url, {
        path: '/realtime',
        transports: ['websocket'],
        auth: members[i].auth,
        reconnection: false,
        forceNew: true,
      })
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve())
        s.once('connect_error', reject)
      })
      sockets[i] = s
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return sockets
}

/**
 * With BENCH_CHAT_TIMELINE=<dir>, each step writes <dir>/rate-<rate>-<ms>.tsv: per 100 ms of send
 * time (wall clock, to lay beside vmstat or PostgreSQL's log), the deliveries and the worst latency.
 * For finding what a stall lines up with; the summary does not use it.
 */
class Timeline {
  private buckets = new Map<number, { n: number; max: number }>()
  add(sentAt: number, latency: number) {
    const key = Math.floor((performance.timeOrigin + sentAt) / 100)
    const b = this.buckets.get(key) ?? { n: 0, max: 0 }
    b.n++
    b.max = Math.max(b.max, latency)
    this.buckets.set(key, b)
  }
  write(dir: string, file: string) {
    mkdirSync(dir, { recursive: true })
    const lines = [...this.buckets]
      .sort(([a], [b]) => a - b)
      .map(([k, b]) => `${new Date(k * 100).toISOString()}\t${b.n}\t${b.max.toFixed(1)}`)
    writeFileSync(join(dir, file), `at\tdeliveries\tmax_ms\n${lines.join('\n')}\n`)
  }
}

/**
 * Sends at `rate` messages/s for `seconds` (ticks of 10 ms), then waits up to 3 s for the last
 * deliveries. `conversations[c]` lists the member indexes of conversation c.
 */
export async function runStep(
  sockets: Socket[],
  conversations: { id: string; members: number[] }[],
  rate: number,
  seconds: number,
  ackedPerConversation: Map<string, number>,
): Promise<StepResult> {
  const latencies: number[] = []
  const timeline = process.env.BENCH_CHAT_TIMELINE ? new Timeline() : undefined
  let deliveries = 0
  let stepId = Math.random().toString(36).slice(2, 8)
  const listeners = sockets.map((socket, index) => {
    const on = (m: { text: string }) => {
      const [step, sender, at] = m.text.split('|')
      if (step !== stepId || Number(sender) === index) return
      deliveries++
      const latency = performance.now() - Number(at)
      latencies.push(latency)
      timeline?.add(Number(at), latency)
    }
    socket.on('message:new', on)
    return () => socket.off('message:new', on)
  })
  let sent = 0
  let acked = 0
  let errors = 0
  let expected = 0
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started >= seconds * 1000) {
        clearInterval(timer)
        return resolve()
      }
      // Open loop by the clock: as many as the time elapsed calls for, whatever the timer's drift.
      const due = Math.floor(((performance.now() - started) / 1000) * rate)
      while (sent < due) {
        const c = conversations[Math.floor(Math.random() * conversations.length)]
        const member = c.members[Math.floor(Math.random() * c.members.length)]
        const text = `${stepId}|${member}|${performance.now()}|${PAD}`
        sent++
        sockets[member]
          .timeout(10_000)
          .emitWithAck('message:send', { conversationId: c.id, clientMessageId: `${stepId}-${sent}`, text })
          .then(
            (answer: { ok?: boolean }) => {
              if (answer?.ok) {
                acked++
                expected += c.members.length - 1
                ackedPerConversation.set(c.id, (ackedPerConversation.get(c.id) ?? 0) + 1)
              } else errors++
            },
            () => errors++,
          )
      }
    }, 10)
  })
  const elapsed = (performance.now() - started) / 1000
  // Let the last acks and deliveries come in.
  const drainUntil = performance.now() + 5_000
  while ((acked + errors < sent || deliveries < expected) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50))
  for (const off of listeners) off()
  stepId = ''
  timeline?.write(process.env.BENCH_CHAT_TIMELINE!, `rate-${rate}-${Date.now()}.tsv`)
  latencies.sort((a, b) => a - b)
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN)
  return {
    targetRate: rate,
    ackedRate: acked / elapsed,
    sent,
    acked,
    errors,
    deliveries,
    lost: Math.max(0, expected - deliveries),
    p50: at(0.5),
    p99: at(0.99),
  }
}

/** Steps the rate up until p99 reaches the limit (or messages fail); the last step that held is the sustainable rate. */
export async function findSustainable(
  name: string,
  sockets: Socket[],
  conversations: { id: string; members: number[] }[],
  rates: number[],
  seconds: number,
  p99Limit: number,
  ackedPerConversation: Map<string, number>,
) {
  const steps: StepResult[] = []
  let sustainable: StepResult | undefined
  // Warm-up, discarded: JIT, pool connections and caches, so the first step measures steady state
  // (two seconds left p99 at 100/s in the hundreds of ms, from the start-up alone).
  const warmup = positiveInt('BENCH_WARMUP', 10, 0)
  if (warmup) await runStep(sockets, conversations, rates[0], warmup, ackedPerConversation)
  for (const rate of rates) {
    const step = await runStep(sockets, conversations, rate, seconds, ackedPerConversation)
    steps.push(step)
    const held = step.p99 < p99Limit && step.errors === 0 && step.lost === 0 && step.ackedRate >= rate * 0.95
    console.log(
      `  ${name.padEnd(28)} ${String(rate).padStart(5)} msg/s in: acked ${step.ackedRate.toFixed(0).padStart(5)}/s, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, errors ${step.errors}, lost ${step.lost}${held ? '' : '  (does not hold)'}`,
    )
    if (!held) break
    sustainable = step
  }
  return { steps, sustainable }
}
