import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext } from '@vinejs/vine/types'
import { tagNameKey } from '#models/tag'
import { BULK_DELETE_MAX, clientListFilterFields } from '#validators/client'
import { recordId } from '#validators/rules/record_id'
import { tagName } from '#validators/client_audience'
import type { TenantMeta } from '#validators/tenant_meta'
import { oneOrMany } from '#validators/rules/one_or_many'

export const TAG_DESCRIPTION_MAX_LENGTH = 300

type TagFormMeta = TenantMeta & { tagId?: number }

/**
 * One "VIP" per workspace, however it is typed (the name key).
 */
const uniqueTagName = vine.createRule(async (value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string' || !field.isValid) return
  const { tenantId, tagId } = field.meta as TagFormMeta
  const taken = db
    .from('tags')
    .select('id')
    .where('tenant_id', tenantId)
    .where('name_key', tagNameKey(value))
  if (tagId) taken.whereNot('id', tagId)
  if (await taken.first()) {
    field.report('Your workspace already has a tag with this name', 'tag.name.unique', field)
  }
})

/**
 * The tag form (create and rename). Pass the workspace (and, when renaming,
 * the tag) as metadata: `{ meta: { ...tenantMeta(tenant), tagId } }`.
 */
export const tagValidator = vine.withMetaData<TagFormMeta>().compile(
  vine.object({
    name: tagName().use(uniqueTagName()),
    // A checkbox: absent when not ticked.
    isTopic: vine.boolean().optional(),
    description: vine.string().trim().maxLength(TAG_DESCRIPTION_MAX_LENGTH).optional(),
  })
)

/**
 * A tag chosen in a form must be one of the workspace's own: another
 * workspace's id is answered as a wrong choice, never used.
 */
export const workspaceTag = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (typeof value !== 'number' || !field.isValid) return
    const { tenantId } = field.meta as TenantMeta
    const found = await db
      .from('tags')
      .select('id')
      .where('tenant_id', tenantId)
      .where('id', value)
      .first()
    if (!found) field.report('Choose one of your tags', 'workspaceTag', field)
  }
)

export const BULK_TAG_OPERATIONS = ['add', 'remove'] as const
export const BULK_TAG_SCOPES = ['selected', 'search'] as const

/**
 * The list's bulk bar: add or remove one tag, for the ticked clients or for
 * every client matching the list's search. Ticked ids of another workspace
 * pass here and match nothing: the change is rooted at the workspace.
 */
export const bulkTagClientsValidator = vine.withMetaData<TenantMeta>().compile(
  vine.object({
    tagId: recordId().use(workspaceTag()),
    op: vine.enum(BULK_TAG_OPERATIONS),
    scope: vine.enum(BULK_TAG_SCOPES),
    ids: vine
      .array(recordId())
      .parse(oneOrMany)
      .minLength(1)
      .maxLength(BULK_DELETE_MAX)
      .distinct()
      .optional()
      .requiredWhen('scope', '=', 'selected'),
    // The list's search and filters, for scope "search" (the list's own rules).
    ...clientListFilterFields(),
  })
)
