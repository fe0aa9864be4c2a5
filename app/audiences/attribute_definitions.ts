import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import AttributeDefinition from '#models/attribute_definition'

/**
 * A workspace's attribute definitions by key, as the value checks and the
 * segment compiler take them.
 */
export async function attributeDefinitionsOf(tenantId: number, client?: QueryClientContract) {
  const definitions = await AttributeDefinition.query({ client })
    .where('tenant_id', tenantId)
    .orderBy('key')
  return new Map(definitions.map((definition) => [definition.key, definition]))
}
