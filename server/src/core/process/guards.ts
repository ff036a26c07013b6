// What a running node does with an error no code caught. Node's default ends the process at once
// for both, without the graceful stop.
// - An unhandled rejection is a promise nobody awaited: pg-boss records a job's outcome so, and a
//   database blip at that moment would end the node while the job itself is only retried. It is
//   logged with its stack and counted (caravan_unhandled_rejections_total), and the node goes on.
// - An uncaught exception was thrown out of a callback half-way through its work: what it left
//   behind is unknown. It is logged, and the node stops as on SIGTERM (requests in flight finish,
//   jobs are released), then exits 1 for the supervisor to start it again.
import type { Logger } from 'pino'

/** The part of `process` the guards listen on (a test passes its own emitter). */
export interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown
}

export function guardProcess(
  target: ProcessEvents,
  deps: {
    logger: Pick<Logger, 'error' | 'fatal'>
    /** Counts the rejections (a Prometheus counter). */
    rejected: { inc(): void }
    /** Stops the node and exits with this code. */
    stop: (reason: string, exitCode: number) => void
  },
) {
  target.on('unhandledRejection', (reason) => {
    deps.rejected.inc()
    deps.logger.error({ err: reason }, 'unhandled promise rejection (logged; the node goes on)')
  })
  target.on('uncaughtException', (error) => {
    deps.logger.fatal({ err: error }, 'uncaught exception: the node stops')
    deps.stop('uncaughtException', 1)
  })
}
