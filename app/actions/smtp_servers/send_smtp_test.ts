import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import nodemailer from 'nodemailer'
import customSmtpConfig from '#config/custom_smtp'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import type WorkspaceSmtpServer from '#models/workspace_smtp_server'
import { workspaceTransportOptions } from '#sending/smtp_transport'
import { addressingOf, envelopeSenderOf } from '#sending/return_path'
import { nodemailerDkim, ownServerSenderProblem, senderIdentityFor } from '#sending/sender_identity'
import { UnverifiedAddressError } from '#actions/messages/send_test_message'
import {
  describeSmtpFailure,
  senderProblemResult,
  type SmtpTestResult,
} from '#services/smtp_servers/test_results'

export class SmtpTestThrottledError extends Error {
  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      `This workspace has tested its server ${customSmtpConfig.testsPerWindow} times in the last 10 minutes. Please wait ${minutes} minute${minutes === 1 ? '' : 's'}.`
    )
  }
}

/**
 * "Send a test": connects to the workspace's saved server, logs in, and
 * sends a short message to the user's own address (confirmed, so the
 * button cannot mail strangers), then reports what the server answered.
 * It goes as the workspace's mailings through that server do: From its
 * verified address, DKIM-signed, MAIL FROM that address (send_batch.ts,
 * return_path.ts), so a test that passes means its mailings will leave.
 * Without a verified domain nothing is sent: the result says why, as the
 * paused mailing would.
 * One connection, no pool, the same address check and timeouts as
 * campaign mail; a few per workspace and window, since each one opens a
 * connection to a host the workspace chose.
 */
export default class SendSmtpTest {
  static async handle(
    tenant: Tenant,
    user: User,
    server: WorkspaceSmtpServer
  ): Promise<SmtpTestResult> {
    if (!user.isVerified) throw new UnverifiedAddressError()
    try {
      await limiter
        .use({ requests: customSmtpConfig.testsPerWindow, duration: customSmtpConfig.testWindow })
        .consume(`smtp-test:tenant:${tenant.id}`)
    } catch (error) {
      if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
        throw new SmtpTestThrottledError(error.response.availableIn)
      }
      throw error
    }

    const sender = await senderIdentityFor(tenant.id)
    const problem = ownServerSenderProblem(sender)
    if (problem) return senderProblemResult(problem)

    const transport = nodemailer.createTransport(workspaceTransportOptions(server, { pool: false }))
    try {
      const info = await transport.sendMail({
        from: sender.from,
        replyTo: sender.replyTo,
        dkim: sender.dkim && nodemailerDkim(sender.dkim),
        envelope: addressingOf(
          { id: 0, email: user.email },
          envelopeSenderOf({ own: true }, sender)
        ).smtp,
        to: user.email,
        subject: `Test of ${tenant.name}'s SMTP server`,
        text: `This message went through ${server.host}:${server.port}, the SMTP server set for ${tenant.name}. It works: its mailings will be sent through it.`,
      })
      return { ok: true, reply: String(info.response ?? '') }
    } catch (error) {
      return { ok: false, ...describeSmtpFailure(error) }
    } finally {
      transport.close()
    }
  }
}
