import type { HttpContext } from '@adonisjs/core/http'
import type Message from '#models/message'
import MessagePolicy from '#policies/message_policy'
import MailingPolicy from '#policies/mailing_policy'
import SendTestMessage, {
  TestSendThrottledError,
  UnverifiedAddressError,
} from '#actions/messages/send_test_message'
import { flashMessages } from '#services/http/flash_messages'

/**
 * "Send a test to me" on the message and mailing pages: the message goes
 * to the logged-in user's own address, marked as a test.
 */
export default class TestSendsController {
  async message(ctx: HttpContext) {
    const { params, response, tenant, bouncer } = ctx
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('testSend', message)

    await sendTest(ctx, message)
    return response.redirect().toRoute('messages.show', { id: message.id })
  }

  /**
   * Only the workspace's own mailings: staff who may look at other
   * workspaces' mailings do not get their content mailed to themselves.
   */
  async mailing(ctx: HttpContext) {
    const { params, response, tenant, bouncer } = ctx
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('testSend', mailing)
    const message = await tenant.findOwn('messages', mailing.messageId)

    await sendTest(ctx, message)
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }
}

async function sendTest({ auth, session }: HttpContext, message: Message) {
  try {
    const { to } = await SendTestMessage.handle(auth.getUserOrFail(), message)
    session.flash('success', flashMessages.messages.testSent(to))
  } catch (error) {
    if (error instanceof TestSendThrottledError || error instanceof UnverifiedAddressError) {
      session.flash('error', error.message)
      return
    }
    throw error
  }
}
