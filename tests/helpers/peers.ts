import env from '#start/env'
import { TestSmtpServer } from '#tests/helpers/smtp_server'
import { WorkerProcess } from '#tests/helpers/worker'

/**
 * The real peers every suite shares: an SMTP server on SMTP_PORT (the one
 * the app sends to in tests) and a worker process.
 */
export const smtp = new TestSmtpServer(env.get('SMTP_PORT'))
export const worker = new WorkerProcess()
