import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type AttributeDefinition from '#models/attribute_definition'
import { TAG_NAME_MAX_LENGTH } from '#models/tag'
import { parseAttributeValue } from '#audiences/attribute_values'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'

/**
 * Tag names one client (or one bulk item) may add or remove at once.
 */
export const TAG_NAMES_PER_REQUEST = 50

/**
 * Attribute keys one client (or one bulk item) may set at once: more than a
 * workspace defines in practice, few enough to bound the errors listed.
 */
export const ATTRIBUTES_PER_REQUEST = 100

/**
 * The API and the CSV import split a list of tags on these: a tag written
 * through them cannot contain one (the CSV `tags` column would cut it).
 */
export const TAG_SEPARATORS = /[,;]/

/**
 * What the validators of a client's tags and attributes know: the
 * workspace's attribute definitions by key, loaded once per request.
 */
export interface AudienceMeta {
  attributeDefinitions: Map<string, AttributeDefinition>
}

export async function audienceMeta(tenant: Tenant): Promise<AudienceMeta> {
  return { attributeDefinitions: await attributeDefinitionsOf(tenant.id) }
}

/**
 * A tag name, wherever one is written (the tag form, the API, a sign-up
 * form): one line of text, no list separator.
 */
export const tagName = () =>
  vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(TAG_NAME_MAX_LENGTH)
    // No control characters (a name is shown on one line everywhere), and no
    // separator of the CSV `tags` column.
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f,;]+$/)

export const tagNames = () => vine.array(tagName()).maxLength(TAG_NAMES_PER_REQUEST)

/**
 * One attribute value, checked against the workspace's definition of its
 * key with the one rule book of every write path (parseAttributeValue) and
 * replaced by the value to store (null clears it). Implicit: a null for an
 * unknown key is refused too. Reported as `attributes.<key>`.
 */
const attributeValue = vine.createRule(
  (value: unknown, _: undefined, field: FieldContext) => {
    const { attributeDefinitions } = field.meta as AudienceMeta
    const definition = attributeDefinitions.get(String(field.name))
    if (!definition) {
      field.report(`Unknown attribute "${field.name}"`, 'attribute.unknown', field)
      return
    }
    const parsed = parseAttributeValue(definition, value)
    if ('error' in parsed) {
      field.report(parsed.error.message, parsed.error.rule, field)
      return
    }
    field.mutate(parsed.value, field)
  },
  { implicit: true }
)

/**
 * `{ key: value | null }`: the attributes to set (a value) or clear (null).
 * The rest of the client's attributes stay as they are.
 */
export const attributeChanges = () =>
  vine.record(vine.any().use(attributeValue()).nullable()).maxLength(ATTRIBUTES_PER_REQUEST)

/**
 * The tag and attribute fields of a client written over the API.
 */
export const clientAudienceFields = () => ({
  addTags: tagNames().optional(),
  removeTags: tagNames().optional(),
  attributes: attributeChanges().optional(),
})
