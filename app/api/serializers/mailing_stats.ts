import type MailingRun from '#models/mailing_run'
import { RUN_STATUSES } from '#models/mailing_run'
import type { MailingStatsResult } from '#actions/stats/load_mailing_stats'
import { countsOf } from '#services/mailings/run_counts'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * One run of a mailing with its counters (`MailingRun`).
 */
export function serializeRun(run: MailingRun) {
  return {
    id: run.id,
    status: run.status,
    status_reason: run.statusReason,
    occurrence_at: isoTime(run.occurrenceAt),
    started_at: isoTime(run.startedAt),
    completed_at: isoTime(run.completedAt),
    ...countsJson(countsOf(run)),
  }
}

/**
 * `GET /mailings/{id}/stats` (`MailingStats`).
 */
export function serializeMailingStats({ runs, totals, running }: MailingStatsResult) {
  return {
    running,
    totals: { runs: totals.runs, ...countsJson(totals) },
    runs: runs.map(serializeRun),
  }
}

function countsJson(counts: ReturnType<typeof countsOf>) {
  return {
    total: counts.total,
    queued: counts.queued,
    sent: counts.sent,
    failed: counts.failed,
    skipped: counts.skipped,
    bounced: counts.bounced,
    complained: counts.complained,
    success_rate: counts.successRate,
    bounce_rate: counts.bounceRate,
    complaint_rate: counts.complaintRate,
  }
}

const count = { type: 'integer', minimum: 0 } as const
const countProperties = {
  total: { ...count, description: 'Recipients.' },
  queued: { ...count, description: 'Neither sent, failed nor skipped yet.' },
  sent: count,
  failed: count,
  skipped: { ...count, description: 'Unsubscribed when the run started, for instance.' },
  success_rate: {
    type: ['number', 'null'],
    minimum: 0,
    maximum: 1,
    description: 'sent / (sent + failed); null before anything was tried.',
  },
  bounced: {
    ...count,
    description: "Sent, then reported bounced by the recipient's server (counted in sent too).",
  },
  complained: {
    ...count,
    description: 'Sent, then reported as spam by the recipient (counted in sent too).',
  },
  bounce_rate: {
    type: ['number', 'null'],
    minimum: 0,
    maximum: 1,
    description: 'bounced / sent; null before anything was sent.',
  },
  complaint_rate: {
    type: ['number', 'null'],
    minimum: 0,
    maximum: 1,
    description: 'complained / sent; null before anything was sent.',
  },
}
const countNames = Object.keys(countProperties)

export const runSchema = {
  type: 'object',
  required: [
    'id',
    'status',
    'status_reason',
    'occurrence_at',
    'started_at',
    'completed_at',
    ...countNames,
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    status: { type: 'string', enum: [...RUN_STATUSES] },
    status_reason: { type: ['string', 'null'] },
    occurrence_at: { ...timeSchema, description: 'The scheduled moment this run is for.' },
    started_at: nullableTimeSchema,
    completed_at: nullableTimeSchema,
    ...countProperties,
  },
} as const

export const mailingStatsSchema = {
  type: 'object',
  required: ['running', 'totals', 'runs'],
  additionalProperties: false,
  properties: {
    running: { type: 'boolean', description: 'Whether a run is sending now.' },
    totals: {
      type: 'object',
      description: 'Over all runs.',
      required: ['runs', ...countNames],
      additionalProperties: false,
      properties: { runs: count, ...countProperties },
    },
    runs: {
      type: 'array',
      description: 'The latest 20 runs, newest first.',
      items: { $ref: '#/components/schemas/MailingRun' },
    },
  },
} as const
