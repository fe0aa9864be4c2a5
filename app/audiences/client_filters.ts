import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type Client from '#models/client'
import type { ClientState } from '#models/client'
import type Tenant from '#models/tenant'
import type Tag from '#models/tag'
import type Segment from '#models/segment'
import { compileSegment, segmentContextOf, type SqlFragment } from '#audiences/segment_sql'
import { tagsFilter } from '#audiences/mailing_audience'
import { whereMatches } from '#services/database/list_filters'

/**
 * What the clients list is narrowed to: the search, a tag, a segment, a
 * state. The tag and segment are the workspace's own (found by the caller,
 * so another workspace's id is a 404 before this runs).
 */
export interface ClientFilters {
  q?: string
  tag?: Tag | null
  segment?: Segment | null
  state?: ClientState | null
}

/**
 * The filters as a condition on a query of the workspace's clients: the
 * list's pages and the bulk bar's "every client in this list" select the
 * same clients because both come through here. The tag, segment and state
 * are compiled by the module that makes mailing audiences (a tag is a "has
 * any of" condition), so "Show clients" of a segment lists whom it matches.
 *
 * Returns a function that narrows a query (call it once per query built).
 */
export async function clientFilterOf(tenant: Tenant, filters: ClientFilters) {
  const condition = await conditionOf(tenant, filters)
  const q = filters.q?.trim() ?? ''
  return <Query extends ModelQueryBuilderContract<typeof Client, any>>(query: Query): Query => {
    const searched = whereMatches(query, q)
    return condition ? (searched.whereRaw(condition.sql, condition.bindings) as Query) : searched
  }
}

/**
 * The filters of a request (the list's query string, the bulk bar's
 * fields, the export link, the API's `tag_id`/`segment_id`), with the tag and
 * segment found among the workspace's own: another workspace's id fails as
 * a missing one does (404).
 */
export async function findClientFilters(
  tenant: Tenant,
  input: { q?: string; tag?: number; segment?: number; state?: ClientState }
): Promise<ClientFilters> {
  return {
    q: input.q,
    tag: input.tag ? await tenant.findOwn('tags', input.tag) : null,
    segment: input.segment ? await tenant.findOwn('segments', input.segment) : null,
    state: input.state ?? null,
  }
}

export function isFiltered(filters: ClientFilters) {
  return Boolean(filters.q?.trim() || filters.tag || filters.segment || filters.state)
}

async function conditionOf(tenant: Tenant, filters: ClientFilters): Promise<SqlFragment | null> {
  if (!filters.tag && !filters.segment && !filters.state) return null
  const context = await segmentContextOf(tenant, { alias: 'clients' })
  const parts: SqlFragment[] = []
  if (filters.tag) parts.push(tagsFilter([filters.tag.id], context))
  if (filters.segment) parts.push(compileSegment(filters.segment.definition, context))
  if (filters.state) {
    const state = { field: 'state' as const, op: 'is' as const, value: filters.state }
    parts.push(compileSegment({ match: 'all', conditions: [state] }, context))
  }
  return {
    sql: parts.map((part) => part.sql).join(' AND '),
    bindings: parts.flatMap((part) => part.bindings),
  }
}
