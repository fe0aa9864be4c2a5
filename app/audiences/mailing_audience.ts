import cache from '@adonisjs/cache/services/main'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type Mailing from '#models/mailing'
import Segment from '#models/segment'
import {
  compileSegment,
  MATCH_EVERYONE,
  MATCH_NOBODY,
  segmentContextOf,
  type SegmentContext,
  type SqlFragment,
} from '#audiences/segment_sql'

/**
 * Who a mailing goes to, and who a filter of the clients list shows, as SQL
 * over `clients`: one module, so the run start's INSERT … SELECT, the
 * mailing page's "matches now" and the list filtered by a segment or a tag
 * never disagree.
 *
 * - all: every client of the workspace;
 * - selected: those in mailing_recipients;
 * - tags: those with any of the mailing's tags (a tags/any condition
 *   through the segment compiler);
 * - segment: those its conditions match at the moment of the query.
 *
 * Pending clients (a sign-up not confirmed yet) are never in a mailing's
 * audience, whatever it is.
 */
export async function mailingAudienceOf(
  mailing: Pick<Mailing, 'id' | 'tenantId' | 'audience' | 'segmentId'>,
  options: { client?: QueryClientContract; alias?: string } = {}
): Promise<SqlFragment> {
  const client = options.client ?? db.connection()
  const alias = options.alias ?? 'c'
  const audience = await audienceCondition(mailing, client, alias)
  return {
    sql: `(${alias}.tenant_id = ? AND ${alias}.pending_at IS NULL AND (${audience.sql}))`,
    bindings: [mailing.tenantId, ...audience.bindings],
  }
}

async function audienceCondition(
  mailing: Pick<Mailing, 'id' | 'tenantId' | 'audience' | 'segmentId'>,
  client: QueryClientContract,
  alias: string
): Promise<SqlFragment> {
  switch (mailing.audience) {
    case 'all':
      return MATCH_EVERYONE
    case 'selected':
      // An IN list rather than a correlated probe: both databases drive the
      // query from the (usually few) picked ids.
      return {
        sql: `${alias}.id IN (SELECT client_id FROM mailing_recipients WHERE mailing_id = ?)`,
        bindings: [mailing.id],
      }
    case 'tags': {
      const rows: { tag_id: number }[] = await client
        .from('mailing_tags')
        .where('mailing_id', mailing.id)
        .select('tag_id')
      const context = await contextOf(mailing.tenantId, client, alias)
      return tagsFilter(
        rows.map((row) => Number(row.tag_id)),
        context
      )
    }
    case 'segment': {
      const segment = await findSegment(mailing, client)
      if (!segment) return MATCH_NOBODY
      return compileSegment(segment.definition, await contextOf(mailing.tenantId, client, alias))
    }
    default:
      return MATCH_NOBODY
  }
}

/**
 * Clients with any of these tags: the "tags" audience and the clients
 * list's tag filter.
 */
export function tagsFilter(tagIds: number[], context: SegmentContext) {
  return compileSegment(
    { match: 'any', conditions: [{ field: 'tags', op: 'any', tagIds }] },
    context
  )
}

function findSegment(
  mailing: Pick<Mailing, 'tenantId' | 'segmentId'>,
  client: QueryClientContract
) {
  if (!mailing.segmentId) return null
  return Segment.query({ client })
    .where('id', mailing.segmentId)
    .where('tenant_id', mailing.tenantId)
    .first()
}

async function contextOf(tenantId: number, client: QueryClientContract, alias: string) {
  const tenant = await client.from('tenants').where('id', tenantId).select('time_zone').first()
  return segmentContextOf({ id: tenantId, timeZone: tenant.time_zone }, { client, alias })
}

/**
 * How many clients a condition over `c` matches (the condition names the
 * workspace: mailingAudienceOf's does).
 */
async function countMatching(
  condition: SqlFragment,
  client: QueryClientContract = db.connection()
) {
  const [{ total }] = await client
    .from('clients as c')
    .whereRaw(condition.sql, condition.bindings)
    .count('* as total')
  return Number(total)
}

/**
 * How long a count of a tags or segment audience is reused: the mailing
 * page is reloaded while a run sends, and a segment over 100,000 clients
 * costs tens of milliseconds to count. A minute-old number is good enough
 * for "how many match now"; the run itself always evaluates afresh.
 */
const COUNT_TTL = '1m'

/**
 * How many clients the mailing would go to if a run started now (pending
 * ones excluded). Keyed by what changes the answer's meaning (the mailing's
 * and its segment's last change); clients changing show within COUNT_TTL.
 */
export async function countMailingAudience(
  mailing: Pick<Mailing, 'id' | 'tenantId' | 'audience' | 'segmentId' | 'createdAt' | 'updatedAt'>
) {
  const segment =
    mailing.audience === 'segment' ? await findSegment(mailing, db.connection()) : null
  const version = [
    mailing.id,
    mailing.createdAt.toMillis(),
    mailing.audience,
    mailing.updatedAt?.toMillis() ?? 0,
    segment?.updatedAt?.toMillis() ?? 0,
  ].join(':')
  return cache.getOrSet({
    key: `mailing-audience-count:${version}`,
    ttl: COUNT_TTL,
    factory: async () => countMatching(await mailingAudienceOf(mailing)),
  })
}
