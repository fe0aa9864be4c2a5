import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import mail from '@adonisjs/mail/services/main'
import type User from '#models/user'
import type { MessageTemplate } from '#sending/message_renderer'
import { renderMessage } from '#sending/message_renderer'
import { EXAMPLE_UNSUBSCRIBE_URL } from '#sending/unsubscribe_links'
import TestMessageMail from '#mails/test_message_mail'
import { asWorkspace } from '#sending/sender_identity'

/**
 * Test sends per user and window: enough to check a message a few times
 * over, too few to use the button as a way of mailing someone.
 */
export const TEST_SENDS_PER_WINDOW = 10
const WINDOW = '10 mins'

export class TestSendThrottledError extends Error {
  constructor(public retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      `You have sent ${TEST_SENDS_PER_WINDOW} tests in the last 10 minutes. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} before sending another.`
    )
  }
}

export class UnverifiedAddressError extends Error {
  constructor() {
    super('Confirm your email address first: tests are sent to it.')
  }
}

/**
 * Sends a message, rendered as its clients would get it but for the user
 * (their name and address, the example unsubscribe link), to the user's
 * own address, marked as a test, from the workspace's sender. The queue's
 * worker sends it.
 *
 * Only to a confirmed address: otherwise anyone could sign up with a
 * stranger's address and use tests to mail them whatever they like.
 */
export default class SendTestMessage {
  static async handle(user: User, message: MessageTemplate & { tenantId: number }) {
    if (!user.isVerified) throw new UnverifiedAddressError()

    const rendered = renderMessage(message, {
      client: { full_name: user.fullName, email: user.email },
      unsubscribe_url: EXAMPLE_UNSUBSCRIBE_URL,
    })

    try {
      await limiter
        .use({ requests: TEST_SENDS_PER_WINDOW, duration: WINDOW })
        .consume(`test-send:user:${user.id}`)
    } catch (error) {
      if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
        throw new TestSendThrottledError(error.response.availableIn)
      }
      throw error
    }

    // From the workspace's sender, as its mailings are (resolved by the worker).
    await mail.sendLater(new TestMessageMail(user.email, rendered), asWorkspace(message.tenantId))
    return { to: user.email }
  }
}
