import type AttributeDefinition from '#models/attribute_definition'
import {
  countAttributeValues,
  removeAttributeValues,
  replaceAttributeValue,
} from '#audiences/attribute_storage'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

/**
 * Clients hold choices the new list removes, and the form did not confirm
 * clearing them.
 */
export class RemovedChoicesInUseError extends Error {
  constructor(
    readonly clients: number,
    readonly choices: string[]
  ) {
    const list = choices.map((choice) => `“${choice}”`).join(', ')
    super(
      `${clients === 1 ? '1 client has' : `${clients} clients have`} a choice you removed (${list}). ` +
        'Keep it, or tick “Clear the removed choices from clients” to save anyway.'
    )
  }
}

export interface AttributeChangesInput {
  label: string
  choices?: string[]
  /** Confirms that clients' values of removed choices are cleared. */
  clearRemoved?: boolean
}

/**
 * Saves an attribute's label and, for a choice, its list. The key and type
 * never change (values, placeholders and segments depend on them).
 *
 * A choice list never leaves invalid values behind silently: a choice whose
 * spelling changed ("gold" → "Gold") is rewritten in clients' values; a
 * removed choice that clients hold is refused (RemovedChoicesInUseError)
 * unless `clearRemoved` confirms, and then cleared from those clients, in
 * the same transaction as the new list.
 */
export default class UpdateAttribute {
  static async handle(actor: Actor, definition: AttributeDefinition, input: AttributeChangesInput) {
    const before = definition.choices ?? []
    const after = definition.type === 'choice' ? (input.choices ?? before) : null
    const byKey = new Map((after ?? []).map((choice) => [choice.toLowerCase(), choice]))
    const removed = before.filter((choice) => !byKey.has(choice.toLowerCase()))
    const respelled = before.filter(
      (choice) => byKey.has(choice.toLowerCase()) && byKey.get(choice.toLowerCase()) !== choice
    )

    await writeTransaction(async (trx) => {
      const holding = await countAttributeValues(trx, definition.tenantId, definition.key, removed)
      if (holding > 0 && !input.clearRemoved) throw new RemovedChoicesInUseError(holding, removed)

      definition.useTransaction(trx)
      definition.merge({ label: input.label, choices: after })
      await definition.save()
      await removeAttributeValues(trx, definition.tenantId, definition.key, removed)
      for (const choice of respelled) {
        const spelling = byKey.get(choice.toLowerCase())!
        await replaceAttributeValue(trx, definition.tenantId, definition.key, choice, spelling)
      }
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: definition.tenantId,
          action: 'attribute.update',
          subject: { type: 'attribute', id: definition.id, label: definition.key },
          details: { label: definition.label, removedChoices: removed },
        },
        trx
      )
    })
    return definition
  }
}
