import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import Message from '#models/message'
import type { messageValidator } from '#validators/message'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

export type MessageInput = Infer<typeof messageValidator>

/**
 * Writes a new message into a workspace. The input comes from the message
 * validator: its HTML is already sanitised and its placeholders checked.
 * Not `tenant.related(...).create()`: that parks its own transaction on the
 * tenant, and the message and its audit entry share ours. Returns the
 * message read back after the commit, as the API shows it.
 */
export default class CreateMessage {
  static async handle(actor: Actor, tenant: Tenant, input: MessageInput) {
    const message = await writeTransaction(async (trx) => {
      const created = await Message.create(
        {
          tenantId: tenant.id,
          subject: input.subject,
          bodyText: input.bodyText,
          bodyHtml: input.bodyHtml ?? null,
        },
        { client: trx }
      )
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'message.create',
          subject: { type: 'message', id: created.id, label: created.subject },
        },
        trx
      )
      return created
    })
    // As stored, with the columns the database filled in.
    await message.refresh()
    return message
  }
}
