import Message from '#models/message'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { SUBJECT_MAX_LENGTH } from '#validators/message'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A copy of a message in the same workspace, subject "Copy of …", to start a
 * new message from an existing one.
 */
export default class DuplicateMessage {
  static async handle(actor: Actor, message: Message) {
    return writeTransaction(async (trx) => {
      const copy = await Message.create(
        {
          tenantId: message.tenantId,
          subject: copySubject(message.subject),
          bodyText: message.bodyText,
          bodyHtml: message.bodyHtml,
        },
        { client: trx }
      )
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: message.tenantId,
          action: 'message.duplicate',
          subject: { type: 'message', id: copy.id, label: copy.subject },
          details: { copiedFromId: message.id },
        },
        trx
      )
      return copy
    })
  }
}

/**
 * "Copy of <subject>", shortened to fit when needed, never cutting a
 * placeholder in half (that would leave a template that cannot render).
 */
function copySubject(subject: string) {
  const copy = `Copy of ${subject}`
  if (copy.length <= SUBJECT_MAX_LENGTH) return copy

  let shortened = copy.slice(0, SUBJECT_MAX_LENGTH - 1)
  const lastOpen = shortened.lastIndexOf('{{')
  if (lastOpen > shortened.lastIndexOf('}}')) shortened = shortened.slice(0, lastOpen)
  return `${shortened.trimEnd()}…`
}
