import type Message from '#models/message'
import type { MessageInput } from '#actions/messages/create_message'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Saves new content into a message. Mailings using it send the new
 * content from their next message on.
 */
export default class UpdateMessage {
  static async handle(actor: Actor, message: Message, input: MessageInput) {
    return writeTransaction(async (trx) => {
      message.useTransaction(trx)
      message.merge({
        subject: input.subject,
        bodyText: input.bodyText,
        bodyHtml: input.bodyHtml ?? null,
      })
      await message.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: message.tenantId,
          action: 'message.update',
          subject: { type: 'message', id: message.id, label: message.subject },
        },
        trx
      )
      return message
    })
  }
}
