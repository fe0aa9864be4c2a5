import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext } from '@vinejs/vine/types'
import { isRecordId } from '#validators/rules/record_id'
import type { TenantMeta } from '#validators/tenant_meta'

/**
 * A list of tag ids that must all be the workspace's own (the client form's
 * boxes, a mailing's `tags` audience): one foreign or unknown id fails the
 * whole field, so nothing is silently dropped and another workspace's tag
 * is never used. One counting query on the primary key.
 */
export const workspaceTags = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (!Array.isArray(value) || !field.isValid || value.length === 0) return
    const ids = [...new Set(value.map((id) => (typeof id === 'string' ? Number(id) : id)))]
    if (!ids.every((id) => typeof id === 'number' && isRecordId(id))) return
    const { tenantId } = field.meta as TenantMeta
    const [row] = await db
      .from('tags')
      .where('tenant_id', tenantId)
      .whereIn('id', ids)
      .count('* as total')
    if (Number(row.total) !== ids.length) {
      field.report('Choose tags of this workspace', 'workspaceTags', field)
    }
  }
)
