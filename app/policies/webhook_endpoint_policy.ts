import type User from '#models/user'
import type WebhookEndpoint from '#models/webhook_endpoint'
import AppPolicy from '#policies/app_policy'

/**
 * Webhook endpoints are their workspace's alone: they carry its secrets.
 */
export default class WebhookEndpointPolicy extends AppPolicy {
  viewList(user: User) {
    return this.mayAdminister(user)
  }

  create(user: User) {
    return this.mayAdminister(user)
  }

  view(user: User, endpoint: WebhookEndpoint) {
    return this.mayAdminister(user, endpoint)
  }

  update(user: User, endpoint: WebhookEndpoint) {
    return this.mayAdminister(user, endpoint)
  }

  delete(user: User, endpoint: WebhookEndpoint) {
    return this.mayAdminister(user, endpoint)
  }
}
