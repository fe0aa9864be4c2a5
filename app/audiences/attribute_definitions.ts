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

/**
 * How many attributes a workspace may define: the client form shows one
 * input per definition, and every client's JSON may carry them all.
 */
export const MAX_ATTRIBUTES_PER_WORKSPACE = 50
export const ATTRIBUTE_LABEL_MAX_LENGTH = 100
export const ATTRIBUTE_MAX_CHOICES = 50
export const ATTRIBUTE_CHOICE_MAX_LENGTH = 100
