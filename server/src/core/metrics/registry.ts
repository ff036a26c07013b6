// Prometheus metrics served at /metrics. One registry per app instance (tests build many apps).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'caravan_' })
  return {
    registry,
    httpDuration: new Histogram({
      name: 'caravan_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobsTotal: new Counter({
      name: 'caravan_jobs_total',
      help: 'Jobs run, by queue and outcome (completed, retried, dead)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'caravan_job_duration_seconds',
      help: 'Job handler duration by queue',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    unhandledRejections: new Counter({
      name: 'caravan_unhandled_rejections_total',
      help: 'Promise rejections no code handled (each one logged; the node goes on)',
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'caravan_realtime_sockets',
      help: 'WebSocket (socket.io) connections open on this node',
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
