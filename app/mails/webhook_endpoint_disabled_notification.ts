import { BaseMail } from '@adonisjs/mail'

export interface WebhookEndpointDisabledData {
  email: string
  firstName: string
  url: string
  reason: string
  settingsUrl: string
}

/**
 * Tells a workspace's owner that one of their webhook endpoints stopped
 * receiving events, and why.
 */
export default class WebhookEndpointDisabledNotification extends BaseMail {
  subject = 'A webhook endpoint was disabled'

  constructor(private data: WebhookEndpointDisabledData) {
    super()
  }

  prepare() {
    this.message
      .to(this.data.email)
      .htmlView('emails/webhook_endpoint_disabled_html', this.data)
      .textView('emails/webhook_endpoint_disabled_text', this.data)
  }
}
