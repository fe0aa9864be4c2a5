import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type { messageValidator } from '#validators/message'

export type MessageInput = Infer<typeof messageValidator>

/**
 * Writes a new message into a workspace. The input comes from the message
 * validator: its HTML is already sanitised and its placeholders checked.
 */
export default class CreateMessage {
  static async handle(tenant: Tenant, input: MessageInput) {
    return tenant.related('messages').create({
      subject: input.subject,
      bodyText: input.bodyText,
      bodyHtml: input.bodyHtml ?? null,
    })
  }
}
