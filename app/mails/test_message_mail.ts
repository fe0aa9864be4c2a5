import { BaseMail } from '@adonisjs/mail'
import type { RenderedMessage } from '#sending/message_renderer'
import { EXAMPLE_UNSUBSCRIBE_URL, unsubscribeHeaders } from '#sending/unsubscribe_links'

/**
 * Marks a message as a test, for filters and for whoever reads it.
 */
export const TEST_SUBJECT_PREFIX = '[Test] '
export const TEST_HEADER = 'X-Mailings-Test'

/**
 * A message as a client would receive it, sent to a user who wants to see
 * it in their own mailbox. It carries the same unsubscribe headers as a
 * real send, pointing at the harmless example link.
 */
export default class TestMessageMail extends BaseMail {
  constructor(
    private address: string,
    private rendered: RenderedMessage
  ) {
    super()
  }

  prepare() {
    this.message
      .to(this.address)
      .subject(`${TEST_SUBJECT_PREFIX}${this.rendered.subject}`)
      .text(this.rendered.text)
      .header(TEST_HEADER, '1')

    if (this.rendered.html) this.message.html(this.rendered.html)
    for (const [name, value] of Object.entries(unsubscribeHeaders(EXAMPLE_UNSUBSCRIBE_URL))) {
      this.message.header(name, value)
    }
  }
}
