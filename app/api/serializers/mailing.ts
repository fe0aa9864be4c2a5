import type Mailing from '#models/mailing'
import { AUDIENCES, MAILING_STATUSES, PERIODICITIES } from '#models/mailing'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'
import { INSTANT_TIME, WALL_CLOCK_TIME } from '#services/mailings/mailing_time'
import { SEGMENT_MAX_TAGS_PER_CONDITION as MAX_AUDIENCE_TAGS } from '#audiences/segment_definition'

/**
 * Loads the tags of a `tags` audience, which serializeMailing lists (a list
 * preloads them instead: ListMailingsByKeyset).
 */
export async function loadAudienceTags(mailing: Mailing) {
  if (mailing.audience === 'tags') await mailing.load('tags')
  return mailing
}

/**
 * A mailing as every API endpoint shows it (`Mailing` in the OpenAPI
 * document). Times are instants in UTC; `time_zone` is the workspace's,
 * in which the schedule repeats. A `tags` audience needs its tags loaded
 * (`loadAudienceTags`).
 */
export function serializeMailing(mailing: Mailing, timeZone: string) {
  return {
    id: mailing.id,
    name: mailing.name,
    message_id: mailing.messageId,
    audience: mailing.audience,
    tag_ids: mailing.audience === 'tags' ? (mailing.tags ?? []).map((tag) => tag.id) : [],
    segment_id: mailing.audience === 'segment' ? mailing.segmentId : null,
    periodicity: mailing.periodicity,
    start_at: isoTime(mailing.startAt),
    end_at: isoTime(mailing.endAt),
    time_zone: timeZone,
    status: mailing.status,
    status_reason: mailing.statusReason,
    next_run_at: isoTime(mailing.nextRunAt),
    archived_at: isoTime(mailing.archivedAt),
    created_at: isoTime(mailing.createdAt),
    updated_at: isoTime(mailing.updatedAt),
  }
}

export const mailingSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'message_id',
    'audience',
    'tag_ids',
    'segment_id',
    'periodicity',
    'start_at',
    'end_at',
    'time_zone',
    'status',
    'status_reason',
    'next_run_at',
    'archived_at',
    'created_at',
    'updated_at',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    message_id: { type: 'integer' },
    audience: {
      type: 'string',
      enum: [...AUDIENCES],
      description:
        '`all` clients of the workspace, the `selected` ones, those with any of some `tags`, or ' +
        'those a `segment` matches when each run starts. Clients awaiting their sign-up ' +
        'confirmation are never mailed.',
    },
    tag_ids: {
      type: 'array',
      items: { type: 'integer' },
      description: 'The tags of a `tags` audience (empty for the others).',
    },
    segment_id: {
      type: ['integer', 'null'],
      description: 'The segment of a `segment` audience (null for the others).',
    },
    periodicity: { type: 'string', enum: [...PERIODICITIES] },
    start_at: timeSchema,
    end_at: timeSchema,
    time_zone: { type: 'string', examples: ['Europe/Paris'] },
    status: { type: 'string', enum: [...MAILING_STATUSES] },
    status_reason: {
      type: ['string', 'null'],
      description: 'Why it is paused or disabled.',
    },
    next_run_at: nullableTimeSchema,
    archived_at: { ...nullableTimeSchema, description: 'Set once deleted; kept as history.' },
    created_at: timeSchema,
    updated_at: nullableTimeSchema,
  },
} as const

/**
 * What `start_at` and `end_at` take: the instants the API answers with, or
 * wall-clock time in the workspace's zone (as the web form sends it).
 */
const mailingTime = {
  type: 'string',
  pattern: `${WALL_CLOCK_TIME.source}|${INSTANT_TIME.source}`,
  description:
    'An RFC 3339 instant with `Z` or an offset, as the API answers (`2026-12-01T08:30:00Z`, ' +
    '`2026-12-01T10:30:00.000+02:00`; seconds and fractions optional, kept to the second), or ' +
    'wall-clock time in the workspace’s time zone (`GET /me`), e.g. `2026-12-01T09:30`.',
  examples: ['2026-12-01T08:30:00Z', '2026-12-01T09:30'],
} as const

export const mailingInputSchema = {
  type: 'object',
  required: ['name', 'message_id', 'audience', 'periodicity', 'start_at', 'end_at'],
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 200 },
    message_id: { type: 'integer', description: 'One of the workspace’s messages.' },
    audience: { type: 'string', enum: [...AUDIENCES] },
    client_ids: {
      type: 'array',
      items: { type: 'integer' },
      minItems: 1,
      maxItems: 100000,
      description: 'Required when `audience` is `selected`: the workspace’s clients.',
    },
    tag_ids: {
      type: 'array',
      items: { type: 'integer' },
      minItems: 1,
      maxItems: MAX_AUDIENCE_TAGS,
      description:
        'Required when `audience` is `tags`: the workspace’s tags; clients with any of them are mailed.',
    },
    segment_id: {
      type: 'integer',
      description:
        'Required when `audience` is `segment`: one of the workspace’s segments, evaluated when each run starts.',
    },
    periodicity: { type: 'string', enum: [...PERIODICITIES] },
    start_at: mailingTime,
    end_at: { ...mailingTime, description: `${mailingTime.description} After \`start_at\`.` },
  },
} as const

export const startedMailingInputSchema = {
  type: 'object',
  description: 'Once a mailing has started, only its name and end may change.',
  required: ['name', 'end_at'],
  properties: { name: mailingInputSchema.properties.name, end_at: mailingTime },
} as const
