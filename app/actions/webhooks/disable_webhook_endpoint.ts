import mail from '@adonisjs/mail/services/main'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import type WebhookEndpoint from '#models/webhook_endpoint'
import WebhookEndpointDisabledNotification from '#mails/webhook_endpoint_disabled_notification'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'
import { appUrl } from '#config/app'

/**
 * Stops sending to an endpoint that asked us to (410) or seems dead, with
 * the reason shown in Settings, and emails the workspace's owners and admins
 * (who manage webhooks) once.
 */
export default class DisableWebhookEndpoint {
  static async handle(endpoint: WebhookEndpoint, reason: string) {
    // Conditional, so two workers seeing the same failure email once.
    const changed = await db
      .from('webhook_endpoints')
      .where({ id: endpoint.id, enabled: true })
      .update({ enabled: false, disabled_reason: reason })
    if (Number(changed) !== 1) return false

    await forgetSubscriptions(endpoint.tenantId)
    const owners = await User.query()
      .whereIn('id', (members) =>
        members
          .from('memberships')
          .where('tenant_id', endpoint.tenantId)
          .whereIn('role', ['owner', 'admin'])
          .select('user_id')
      )
      .whereNull('blocked_at')
      .orderBy('id')
    for (const owner of owners) {
      await mail.sendLater(
        new WebhookEndpointDisabledNotification({
          email: owner.email,
          firstName: owner.firstName,
          url: endpoint.url,
          reason,
          settingsUrl: `${appUrl}${router.makeUrl('settings.webhooks.show', { id: endpoint.id })}`,
        })
      )
    }
    return true
  }
}
