import AttributeDefinition, { type AttributeType } from '#models/attribute_definition'
import type Tenant from '#models/tenant'
import { MAX_ATTRIBUTES_PER_WORKSPACE } from '#audiences/attribute_definitions'
import { isConstraintViolation } from '#services/database/errors'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

export class AttributeLimitError extends Error {
  constructor() {
    super(`A workspace has at most ${MAX_ATTRIBUTES_PER_WORKSPACE} attributes`)
  }
}

export class AttributeKeyTakenError extends Error {
  constructor() {
    super('Your workspace already has an attribute with this key')
  }
}

export interface NewAttribute {
  key: string
  label: string
  type: AttributeType
  choices?: string[]
}

/**
 * Defines a custom attribute of the workspace's clients (the form has
 * checked the key). Choices are kept for the type "choice" only. Throws
 * AttributeLimitError past the workspace's limit, AttributeKeyTakenError on
 * a lost race for the key.
 */
export default class CreateAttribute {
  static async handle(actor: Actor, tenant: Tenant, fields: NewAttribute) {
    try {
      return await writeTransaction(async (trx) => {
        const [{ total }] = await trx
          .from('attribute_definitions')
          .where('tenant_id', tenant.id)
          .count('* as total')
        if (Number(total) >= MAX_ATTRIBUTES_PER_WORKSPACE) throw new AttributeLimitError()
        const definition = await AttributeDefinition.create(
          {
            tenantId: tenant.id,
            key: fields.key,
            label: fields.label,
            type: fields.type,
            choices: fields.type === 'choice' ? (fields.choices ?? []) : null,
          },
          { client: trx }
        )
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: 'attribute.create',
            subject: { type: 'attribute', id: definition.id, label: definition.key },
            details: { label: definition.label, type: definition.type },
          },
          trx
        )
        return definition
      })
    } catch (error) {
      if (isConstraintViolation(error, 'unique')) throw new AttributeKeyTakenError()
      throw error
    }
  }
}
