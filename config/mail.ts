import env from '#start/env'
import { defineConfig, transports } from '@adonisjs/mail'

const username = env.get('SMTP_USERNAME')

/**
 * Timeouts are explicit and short: nodemailer's defaults (minutes) would let
 * a stuck mail server hold a worker for far too long.
 */
export const smtpTimeouts = {
  connectionTimeout: env.get('SMTP_CONNECTION_TIMEOUT') ?? 10_000,
  greetingTimeout: env.get('SMTP_GREETING_TIMEOUT') ?? 10_000,
  socketTimeout: env.get('SMTP_SOCKET_TIMEOUT') ?? 30_000,
}

const mailConfig = defineConfig({
  default: 'smtp',

  from: {
    address: env.get('MAIL_FROM_ADDRESS'),
    name: env.get('MAIL_FROM_NAME', 'Mailings'),
  },

  mailers: {
    smtp: transports.smtp({
      host: env.get('SMTP_HOST'),
      port: env.get('SMTP_PORT'),
      secure: env.get('SMTP_SECURE', false),
      ...(username
        ? { auth: { type: 'login', user: username, pass: env.get('SMTP_PASSWORD', '') } }
        : {}),
      ...smtpTimeouts,
    }),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
