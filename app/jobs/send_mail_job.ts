import { Job } from '@rlanz/bull-queue'
import mail from '@adonisjs/mail/services/main'
import type { NodeMailerMessage, MessageBodyTemplates } from '@adonisjs/mail/types'
import type { JobName } from '#start/jobs'
import { isWorkspaceSenderConfig, sentAsWorkspace } from '#sending/sender_identity'

export interface SendMailJobPayload {
  mailerName: string
  mailMessage: { message: NodeMailerMessage; views: MessageBodyTemplates }
  config?: unknown
}

/**
 * Sends an application email (verification, password reset...) queued by
 * `mail.sendLater()`, so web requests never wait on the SMTP server.
 */
export default class SendMailJob extends Job {
  static get $$filepath(): JobName {
    return 'send_mail'
  }

  async handle({ mailerName, mailMessage, config }: SendMailJobPayload) {
    // A workspace's mail (a test send) gets its sender here, in the worker.
    if (isWorkspaceSenderConfig(config)) {
      const message = await sentAsWorkspace(mailMessage.message, config)
      await mail.use(mailerName as any).sendCompiled({ ...mailMessage, message })
      return
    }
    await mail.use(mailerName as any).sendCompiled(mailMessage, config)
  }

  async rescue(payload: SendMailJobPayload, error: Error) {
    this.logger.error(
      { to: payload.mailMessage.message.to, err: error },
      'An application email could not be sent after all attempts'
    )
  }
}
