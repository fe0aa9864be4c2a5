import type Tenant from '#models/tenant'
import Tag from '#models/tag'
import { MAX_TAGS_PER_WORKSPACE, TagLimitError } from '#audiences/client_tags'
import { isConstraintViolation } from '#services/database/errors'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

export interface TagFields {
  name: string
  isTopic?: boolean
  description?: string
}

/**
 * Another request took the name between the form's check and the save.
 */
export class TagNameTakenError extends Error {
  constructor() {
    super('Your workspace already has a tag with this name')
  }
}

/**
 * The unique index's refusal, as the form's own check words it.
 */
export async function withUniqueName<T>(save: () => Promise<T>) {
  try {
    return await save()
  } catch (error) {
    if (isConstraintViolation(error, 'unique')) throw new TagNameTakenError()
    throw error
  }
}

/**
 * Adds a tag to the workspace (the form has checked the name is free),
 * within the workspace's limit of tags. Throws TagLimitError past it,
 * TagNameTakenError on a lost race for the name.
 */
export default class CreateTag {
  static async handle(actor: Actor, tenant: Tenant, fields: TagFields) {
    return withUniqueName(() =>
      writeTransaction(async (trx) => {
        const [{ total }] = await trx.from('tags').where('tenant_id', tenant.id).count('* as total')
        if (Number(total) >= MAX_TAGS_PER_WORKSPACE) throw new TagLimitError()
        const tag = await Tag.create(
          {
            tenantId: tenant.id,
            name: fields.name,
            isTopic: fields.isTopic ?? false,
            description: fields.description ?? null,
          },
          { client: trx }
        )
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: 'tag.create',
            subject: { type: 'tag', id: tag.id, label: tag.name },
          },
          trx
        )
        return tag
      })
    )
  }
}
