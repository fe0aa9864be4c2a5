import type Client from '#models/client'
import type Tenant from '#models/tenant'

/**
 * How many clients the preview's picker lists.
 */
const PREVIEW_CLIENT_CHOICES = 50

/**
 * The clients the message preview's picker offers: the first ones by
 * email, and the one being previewed even when it is further down.
 */
export default class ListPreviewClients {
  static async handle(tenant: Tenant, previewed: Client | null) {
    const choices = await tenant
      .related('clients')
      .query()
      .select('id', 'email', 'full_name', 'unsubscribed_at')
      .orderBy('email')
      .limit(PREVIEW_CLIENT_CHOICES)
    if (previewed && !choices.some((choice) => choice.id === previewed.id)) {
      choices.unshift(previewed)
    }
    return choices
  }
}
