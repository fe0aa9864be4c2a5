import type Message from '#models/message'
import type { MessageInput } from '#actions/messages/create_message'

/**
 * Saves new content into a message. Mailings using it send the new
 * content from their next message on.
 */
export default class UpdateMessage {
  static async handle(message: Message, input: MessageInput) {
    message.merge({
      subject: input.subject,
      bodyText: input.bodyText,
      bodyHtml: input.bodyHtml ?? null,
    })
    return message.save()
  }
}
