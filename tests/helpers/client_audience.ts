import type Tenant from '#models/tenant'
import type { AttributeType } from '#models/attribute_definition'
import { addTagsToClients, findOrCreateTags } from '#audiences/client_tags'

/**
 * The attribute definitions most audience tests use: one of each type.
 */
export const SAMPLE_ATTRIBUTES: {
  key: string
  label: string
  type: AttributeType
  choices?: string[]
}[] = [
  { key: 'company', label: 'Company', type: 'text' },
  { key: 'seats', label: 'Seats', type: 'number' },
  { key: 'renewal', label: 'Renewal date', type: 'date' },
  { key: 'paying', label: 'Paying', type: 'boolean' },
  { key: 'plan', label: 'Plan', type: 'choice', choices: ['Free', 'Pro'] },
]

export async function defineAttributes(tenant: Tenant, definitions = SAMPLE_ATTRIBUTES) {
  return tenant
    .related('attributeDefinitions')
    .createMany(definitions.map((definition) => ({ choices: null, ...definition })))
}

/**
 * Tags the clients (creating the tags), by name.
 */
export async function tagClients(tenant: Tenant, names: string[], clientIds: number[]) {
  const ids = await findOrCreateTags(tenant.id, names)
  await addTagsToClients([...ids.values()], clientIds)
  return ids
}
