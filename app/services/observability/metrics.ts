import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * The Prometheus metrics of this process: one registry per process (web,
 * worker), served by its own /metrics. Every name starts with `mailings_`;
 * label values come from short fixed lists (route patterns, never URLs), so
 * the number of series stays bounded whatever the traffic.
 *
 * Updating a metric is a synchronous increment in memory: the send path
 * calls them once per message without awaiting anything.
 */
export const metricsRegistry = new Registry()

export const METRIC_PREFIX = 'mailings_'

/**
 * HTTP requests by route pattern (`/mailings/:id`), method and status; the
 * histogram's `_count` is the request count. Unmatched URLs are
 * `route="unmatched"` and files of public/ `route="static"`.
 */
export const httpRequestDuration = new Histogram({
  name: 'mailings_http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status, and how long they took',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
})

/**
 * What the send path counts, as plain numbers: a property increment costs
 * a few nanoseconds, where prom-client's `inc()` hashes its labels (about
 * 0.3 µs). The two counters below read them when scraped.
 */
export const sendTallies = {
  messages: { sent: 0, failed: 0, retried: 0, deferred: 0 },
  smtpReplies: { '2xx': 0, '4xx': 0, '5xx': 0, 'connection': 0 },
}

/**
 * Tries of campaign messages by what they mean for the delivery: `sent`,
 * `failed` (for good), `retried` (a transient failure, queued again) and
 * `deferred` (the server's configuration refused it: sending pauses; the
 * try does not count against the recipient).
 */
export const messagesTotal = new Counter({
  name: 'mailings_messages_total',
  help: 'Campaign message tries by result: sent, failed, retried, deferred',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset()
    for (const [result, count] of Object.entries(sendTallies.messages)) this.inc({ result }, count)
  },
})

/**
 * The mail server's answers by class: 2xx, 4xx, 5xx, or `connection` when
 * no reply code came back (refused or dropped connection, timeout, TLS).
 */
export const smtpRepliesTotal = new Counter({
  name: 'mailings_smtp_replies_total',
  help: 'SMTP replies to campaign messages by class: 2xx, 4xx, 5xx, connection (no reply code)',
  labelNames: ['class'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset()
    for (const [kind, count] of Object.entries(sendTallies.smtpReplies)) {
      this.inc({ class: kind }, count)
    }
  },
})

/**
 * How late a run's first message left after its planned start
 * (`mailing_runs.occurrence_at`), observed once per run, by the process
 * that sent it (app/sending/run_lateness.ts).
 */
export const runLateness = new Histogram({
  name: 'mailings_run_lateness_seconds',
  help: 'Seconds from a run planned start to its first sent message, once per run',
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [metricsRegistry],
})

/**
 * Webhook delivery attempts by result: `succeeded`, `retrying` (failed,
 * tried again later) and `failed` (failed for good).
 */
export const webhookAttemptsTotal = new Counter({
  name: 'mailings_webhook_attempts_total',
  help: 'Webhook delivery attempts by result: succeeded, retrying, failed',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
})

/**
 * Every series of the counters exists from the start, at 0 (the send
 * counters' too, from their tallies): rate() needs a first sample to count
 * the first increment, and dashboards show 0 rather than "no data" on a
 * quiet worker.
 */
for (const result of ['succeeded', 'retrying', 'failed']) webhookAttemptsTotal.labels(result).inc(0)

let processMetricsStarted = false

/**
 * Starts prom-client's process metrics (event-loop lag, memory, CPU, GC)
 * and labels every series with the process's role (`web`, `worker`), so
 * dashboards can tell them apart on one instance. Once per process.
 */
export function startProcessMetrics(role: 'web' | 'worker') {
  if (processMetricsStarted) return
  processMetricsStarted = true
  metricsRegistry.setDefaultLabels({ role })
  collectDefaultMetrics({ register: metricsRegistry, prefix: METRIC_PREFIX })
}
