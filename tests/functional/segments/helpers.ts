import type Tenant from '#models/tenant'
import Tag from '#models/tag'
import AttributeDefinition from '#models/attribute_definition'
import type Client from '#models/client'
import Segment from '#models/segment'
import type { SegmentDefinition } from '#audiences/segment_definition'
import { addTagsToClients } from '#audiences/client_tags'

/**
 * A workspace's tags, by name.
 */
export async function createTags(tenant: Tenant, names: string[]) {
  return Tag.createMany(names.map((name) => ({ tenantId: tenant.id, name })))
}

/**
 * The attributes the segment specs use: city (text), score (number).
 */
export async function defineAttributes(tenant: Tenant) {
  return AttributeDefinition.createMany([
    { tenantId: tenant.id, key: 'city', label: 'City', type: 'text', choices: null },
    { tenantId: tenant.id, key: 'score', label: 'Score', type: 'number', choices: null },
  ])
}

export async function tag(clients: Client[], ...tags: Tag[]) {
  await addTagsToClients(
    tags.map((one) => one.id),
    clients.map((client) => client.id)
  )
}

export function createSegment(tenant: Tenant, name: string, definition: SegmentDefinition) {
  return Segment.create({ tenantId: tenant.id, name, definition })
}

/**
 * Condition rows as the editor's form sends them (`conditions[0][field]`...),
 * which the test client would otherwise encode its own way.
 */
export function conditionFields(rows: Record<string, unknown>[]) {
  const fields: Record<string, unknown> = {}
  rows.forEach((row, index) => {
    for (const [key, value] of Object.entries(row)) {
      fields[`conditions[${index}][${key}]${Array.isArray(value) ? '[]' : ''}`] = value
    }
  })
  return fields
}
