import type SendingDomain from '#models/sending_domain'

/**
 * Removes a domain and its key. Mail from its addresses goes "via" the
 * operator from the next batch on (the sender is resolved per batch).
 */
export default class DeleteSendingDomain {
  static async handle(domain: SendingDomain) {
    await domain.delete()
  }
}
