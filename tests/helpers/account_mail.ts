import { Queue } from 'bullmq'
import type { ApiClient } from '@japa/api-client'
import env from '#start/env'
import { redisConnection } from '#config/redis'
import { smtp } from '#tests/helpers/peers'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'

/**
 * The mails that reached the test SMTP server for `address` once the worker
 * has sent everything queued so far (account mails go through the default
 * queue): a count taken earlier could miss mails still on their way.
 */
export async function settledMailsTo(address: string) {
  const queue = new Queue('default', { connection: redisConnection })
  try {
    await waitUntil('the mail queue to be empty', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized')
      return Object.values(counts).every((count) => count === 0)
    })
  } finally {
    await queue.close()
  }
  return smtp.messagesTo(address)
}

/**
 * The path (and query) of the app's link starting with `path` in a mail,
 * checking that it points at APP_URL.
 */
export function linkIn(text: string | undefined, path: string) {
  const start = text?.indexOf(`${env.get('APP_URL')}${path}`) ?? -1
  if (start === -1) throw new Error(`No ${path} link to ${env.get('APP_URL')} in:\n${text}`)
  const link = /^\S+/.exec(text!.slice(start))![0]
  return link.slice(env.get('APP_URL').length)
}

/**
 * The path of the reset link in a reset mail.
 */
export function resetLinkIn(text: string | undefined) {
  return linkIn(text, '/reset-password/')
}

/**
 * Submits the form behind a reset link, as the person who opened it.
 */
export function submitNewPassword(client: ApiClient, link: string, password: string) {
  return postForm(client, link, { password, passwordConfirmation: password })
}
