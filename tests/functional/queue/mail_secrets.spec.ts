import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import queue from '@rlanz/bull-queue/services/main'
import SendMailJob from '#jobs/send_mail_job'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'

/**
 * The keys of the test Redis DB (where the queues keep their jobs) whose
 * value holds `secret`, whatever the key's type.
 */
async function keysHolding(secret: string) {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 500)
    cursor = next
    for (const key of keys) {
      const values = await valuesOf(key)
      if (values.some((value) => value.includes(secret))) found.push(key)
    }
  } while (cursor !== '0')
  return found
}

async function valuesOf(key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.get(key)) ?? '']
    case 'hash':
      return Object.values(await redis.hgetall(key))
    case 'list':
      return redis.lrange(key, 0, -1)
    case 'set':
      return redis.smembers(key)
    case 'zset':
      return redis.zrange(key, 0, -1)
    case 'stream': {
      const entries = await redis.xrange(key, '-', '+')
      return entries.flatMap(([, fields]) => fields)
    }
    default:
      return []
  }
}

test.group('Application mail at rest in Redis', () => {
  test('{title}')
    .with([
      {
        title: 'a password reset link is gone from Redis once the mail is sent',
        async request(client: any) {
          const { user } = await createUser()
          await postForm(client, '/forgot-password', { email: user.email })
          const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
          return /\/reset-password\/([\w-]+)/.exec(mail.parsed.text ?? '')![1]
        },
      },
      {
        title: 'so is an email verification link',
        async request(client: any) {
          const { user } = await createUser({ verified: false })
          await postForm(client, '/verify-email/resend').loginAs(user)
          const mail = await smtp.waitForMailTo(user.email, 'Confirm your email')
          return /\?signature=([\w.-]+)/.exec(mail.parsed.text ?? '')![1]
        },
      },
    ])
    .run(async ({ client, assert }, { request }) => {
      const secret = await request(client)
      assert.isAbove(secret.length, 20)
      // The job finishes a moment after the server took the message.
      await waitUntil(
        'no key in Redis to hold the link',
        async () => {
          const holding = await keysHolding(secret)
          return holding.length === 0
        },
        10_000
      )
    })

  test('a mail that fails for good leaves no job (with its link) behind', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const refused = { code: 550, message: 'No such user here' }
    smtp.refuseRecipient(user.email, ...Array.from({ length: 10 }, () => refused))
    await postForm(client, '/forgot-password', { email: user.email })

    // Between its tries the job waits in Redis, message and link included:
    // it has to, to try again.
    const mailQueue = queue.getOrSet('default')
    const job = await waitUntil('the mail job to wait for its next try', async () => {
      const jobs = await mailQueue.getJobs(['delayed', 'waiting', 'active'])
      return jobs.find(
        (candidate) =>
          candidate?.name === SendMailJob.$$filepath &&
          JSON.stringify(candidate.data).includes(user.email)
      )
    })
    await waitUntil(
      'the job to be gone after its last try',
      async () => !(await mailQueue.getJob(job.id!)),
      90_000
    )
    assert.lengthOf(smtp.messagesTo(user.email), 0)
  }).timeout(120_000)
})
