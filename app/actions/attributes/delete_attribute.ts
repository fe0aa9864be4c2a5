import type AttributeDefinition from '#models/attribute_definition'
import { isUsed, usageOfAttribute, type AudienceUsage } from '#audiences/usage'
import { removeAttributeValues } from '#audiences/attribute_storage'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

export type DeleteAttributeResult =
  { deleted: true; cleared: number } | { deleted: false; usedBy: AudienceUsage }

/**
 * Deletes an attribute unless a sign-up form asks it, a segment tests it
 * or a message renders it (its placeholder would render empty),
 * and takes its values off the workspace's clients in the same transaction
 * (one UPDATE): a key defined again later starts empty rather than finding
 * old values of another meaning. Returns how many clients lost a value.
 */
export default class DeleteAttribute {
  static async handle(
    actor: Actor,
    definition: AttributeDefinition
  ): Promise<DeleteAttributeResult> {
    const usedBy = await usageOfAttribute(definition.tenantId, definition)
    if (isUsed(usedBy)) return { deleted: false, usedBy }

    const cleared = await writeTransaction(async (trx) => {
      definition.useTransaction(trx)
      await definition.delete()
      const clearedValues = await removeAttributeValues(trx, definition.tenantId, definition.key)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: definition.tenantId,
          action: 'attribute.delete',
          subject: { type: 'attribute', id: definition.id, label: definition.key },
          details: { clearedValues },
        },
        trx
      )
      return clearedValues
    })
    return { deleted: true, cleared }
  }
}
