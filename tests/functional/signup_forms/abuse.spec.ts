import { request as httpRequest } from 'node:http'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Client from '#models/client'
import Consent from '#models/consent'
import type Tenant from '#models/tenant'
import type SignupForm from '#models/signup_form'
import SuppressAddress from '#actions/suppressions/suppress_address'
import UnsubscribeClient from '#actions/clients/unsubscribe_client'
import signupFormsConfig from '#config/signup_forms'
import { SIGNUP_SUBMISSION_MAX_ATTRIBUTE_KEYS } from '#validators/signup_form'
import { createUser } from '#tests/helpers/users'
import { settledMailsTo } from '#tests/helpers/account_mail'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { waitUntil } from '#tests/helpers/wait'
import { webServerOnPrivateRedis } from '#tests/helpers/web_server'
import {
  confirmationLinkFor,
  createSignupForm,
  submitSignup,
  visitorEmail,
} from '#tests/functional/signup_forms/helpers'

test.group('Sign-up forms: without Redis', () => {
  test('a sign-up is answered with a 503 asking to try again, and nothing is kept; it works again with Redis', async ({
    assert,
    cleanup,
  }) => {
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup)
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('paused')
    const signUp = () =>
      fetch(server.url(`/f/${form.publicToken}`), {
        method: 'POST',
        body: new URLSearchParams({ email }),
        redirect: 'manual',
      })
    await privateRedis.stop()

    const paused = await signUp()
    assert.equal(paused.status, 503, server.output)
    assert.include(await paused.text(), 'Sign-ups are paused for a moment, please try again')
    assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email }).first())

    // Back: the visitor's next try goes through, nothing was counted.
    await privateRedis.start()
    await waitUntil('sign-ups to work again', async () => {
      const answer = await signUp()
      return answer.status === 200
    })
  }).timeout(60_000)
})

test.group('Sign-up forms: abuse', (group) => {
  const configured = structuredClone(signupFormsConfig)
  group.each.setup(() => () => {
    Object.assign(signupFormsConfig.submissions, configured.submissions)
    Object.assign(signupFormsConfig.mails, configured.mails)
  })

  test('a filled honeypot gets the same answer as a person, and nothing is kept or sent', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const person = await submitSignup(client, form, { email: visitorEmail('person') })
    const robotEmail = visitorEmail('robot')
    const robot = await submitSignup(client, form, {
      email: robotEmail,
      name: 'Buy pills',
      website: 'https://spam.example',
    })

    robot.assertStatus(200)
    assert.equal(robot.text(), person.text())
    assert.isNull(await Client.query().where({ tenant_id: tenant.id, email: robotEmail }).first())
    assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email: robotEmail }).first())
    assert.lengthOf(await settledMailsTo(robotEmail), 0)
  })

  test('the hosted page and a post from another site leave no session cookie behind', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    // A browser's own requests, not the test client's (which brings a session).
    const url = `${env.get('APP_URL')}/f/${form.publicToken}`
    const page = await fetch(url)
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'origin': 'https://shop.example', 'x-forwarded-for': newIp() },
      body: new URLSearchParams({ email: visitorEmail() }),
      redirect: 'manual',
    })

    assert.equal(page.status, 200)
    assert.equal(post.status, 200)
    // A visitor of a business's site is not our user: nothing of theirs is
    // kept in Redis, and the hosted page works while Redis is away.
    assert.isNull(page.headers.get('set-cookie'))
    assert.isNull(post.headers.get('set-cookie'))
  })

  test('one network may submit so many times in a window, to any form, valid or not', async ({
    client,
    assert,
  }) => {
    signupFormsConfig.submissions.perIp = 3
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const stranger = await createUser()
    const other = await createSignupForm(stranger.tenant)
    const ip = newIp()

    const answers = [
      await submitSignup(client, form, { email: visitorEmail() }, ip),
      await submitSignup(client, form, { email: 'not an address' }, ip),
      await submitSignup(client, other, { email: visitorEmail() }, ip),
    ]
    assert.deepEqual(
      answers.map((answer) => answer.status()),
      [200, 422, 200]
    )

    const refusedEmail = visitorEmail('refused')
    const refused = await submitSignup(client, other, { email: refusedEmail }, ip)
    refused.assertStatus(429)
    refused.assertTextIncludes('Please wait a little')
    assert.isAbove(Number(refused.header('retry-after')), 0)
    assert.isNull(await Consent.query().where('email', refusedEmail).first())

    // Another network is not held back.
    const elsewhere = await submitSignup(client, form, { email: visitorEmail() }, newIp())
    elsewhere.assertStatus(200)
  })

  test('a flood of sign-ups of one address sends it one mail, with the same answer every time', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const target = visitorEmail('target')

    const answers = []
    for (let i = 0; i < 10; i++) {
      answers.push(await submitSignup(client, form, { email: target }))
    }
    assert.lengthOf(new Set(answers.map((answer) => `${answer.status()} ${answer.text()}`)), 1)
    assert.lengthOf(await settledMailsTo(target), 1)
    // Only the mailed sign-up is kept: it is the one its link confirms.
    const consents = await Consent.query().where({ tenant_id: tenant.id, email: target })
    assert.lengthOf(consents, 1)

    // Another workspace's form may still write to the address.
    const stranger = await createUser()
    const other = await createSignupForm(stranger.tenant)
    await submitSignup(client, other, { email: target })
    assert.lengthOf(await settledMailsTo(target), 2)
  }).timeout(30_000)

  test('an address gets at most five mails a day from one workspace', async ({
    client,
    assert,
  }) => {
    // Without the 10-minute spacing, which a test cannot wait out, nor the
    // platform-wide hourly limit of a mailbox.
    signupFormsConfig.mails.perAddressShort = 100
    signupFormsConfig.mails.perMailboxHourly = 100
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const target = visitorEmail('daily')
    for (let i = 0; i < 8; i++) await submitSignup(client, form, { email: target })
    assert.lengthOf(await settledMailsTo(target), 5)
  }).timeout(30_000)

  test('a workspace’s forms send so many mails an hour, whatever the addresses', async ({
    client,
    assert,
  }) => {
    signupFormsConfig.mails.perWorkspaceHourly = 2
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const targets = [visitorEmail('a'), visitorEmail('b'), visitorEmail('c')]
    for (const email of targets) await submitSignup(client, form, { email })

    const mails = await Promise.all(targets.map((email) => settledMailsTo(email)))
    assert.deepEqual(
      mails.map((list) => list.length),
      [1, 1, 0]
    )

    // The owner hears of the sign-up that went unmailed, on the list and
    // on the form's page.
    const notice = '1 sign-up got no confirmation mail in the last 24 hours'
    await waitUntil('the unmailed sign-up to be counted', async () => {
      const list = await client.get('/clients/forms').loginAs(user)
      return list.text().includes(notice)
    })
    const edit = await client.get(`/clients/forms/${form.id}/edit`).loginAs(user)
    edit.assertTextIncludes(notice)
    edit.assertTextIncludes('because the hourly limit was reached')
  }).timeout(30_000)

  test('the +tag and dot spellings of one mailbox share its allowance in a workspace', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const variants = gmailVariants('tagged')
    for (const email of variants) await submitSignup(client, form, { email })

    const mails = await Promise.all(variants.map((email) => settledMailsTo(email)))
    assert.equal(mails.flat().length, 1)
  }).timeout(30_000)

  test('one mailbox gets so many mails an hour from all workspaces together, however spelt', async ({
    client,
    assert,
  }) => {
    // Without the per-workspace spacing, so only the platform-wide limit holds.
    signupFormsConfig.mails.perAddressShort = 100
    const first = await createUser()
    const second = await createUser()
    const forms = [await createSignupForm(first.tenant), await createSignupForm(second.tenant)]
    const variants = gmailVariants('mailbox')
    for (const form of forms) {
      const answers = new Set<string>()
      for (const email of variants) {
        const answer = await submitSignup(client, form, { email })
        answers.add(`${answer.status()} ${answer.text()}`)
      }
      // Mailed or not, the visitor sees the same page.
      assert.lengthOf(answers, 1)
    }

    const mails = await Promise.all(variants.map((email) => settledMailsTo(email)))
    assert.equal(mails.flat().length, signupFormsConfig.mails.perMailboxHourly)
  }).timeout(60_000)

  test('the request does the same database work for a new, pending, subscribed, unsubscribed or suppressed address', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const addresses = await addressesOfEveryKind(client, tenant, form)
    // The first sign-up of a form warms what any first request warms.
    await submitSignup(client, form, { email: visitorEmail('warm-up') })

    const queries: Record<string, number> = {}
    for (const [kind, email] of Object.entries(addresses)) {
      queries[kind] = await queriesDuring(() => submitSignup(client, form, { email }))
    }
    assert.lengthOf(new Set(Object.values(queries)), 1, JSON.stringify(queries))
  }).timeout(30_000)

  test('the answer is the same bytes for a new, pending, subscribed, unsubscribed or suppressed address', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)

    const addresses = await addressesOfEveryKind(client, tenant, form)
    const answers: Record<string, string> = {}
    for (const [kind, email] of Object.entries(addresses)) {
      const answer = await submitSignup(client, form, { email })
      answers[kind] = `${answer.status()} ${answer.header('content-type')}\n${answer.text()}`
    }
    assert.lengthOf(new Set(Object.values(answers)), 1, JSON.stringify(answers, null, 2))
  }).timeout(30_000)

  test('a body larger than a form needs is refused unread', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('large')
    const response = await submitSignup(client, form, { email, name: 'x'.repeat(20_000) })
    response.assertStatus(413)
    response.assertTextIncludes('Too much text')
    assert.isNull(await Consent.query().where('email', email).first())
  })

  test('a JSON body is refused unread, small as it may be', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('json')
    const response = await throughTrustedProxy(
      client.post(`/f/${form.publicToken}`).json({ email }),
      newIp()
    )
    response.assertStatus(415)
    response.assertTextIncludes('application/x-www-form-urlencoded')
    assert.isNull(await Consent.query().where('email', email).first())
  })

  test('a body of undeclared length (chunked) is refused unread', async ({ assert }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('chunked')
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${env.get('APP_URL')}/f/${form.publicToken}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk) => (body += chunk))
          response.on('end', () => resolve({ status: response.statusCode, body }))
        }
      )
      request.on('error', reject)
      request.write(new URLSearchParams({ email }).toString())
      request.end(`&name=${'x'.repeat(20_000)}`)
    })
    assert.equal(answer.status, 411)
    assert.include(answer.body, 'Content-Length')
    assert.isNull(await Consent.query().where('email', email).first())
  })

  test('a submission with more attribute keys than any form sends is refused', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('keys')
    const attributes = Object.fromEntries(
      Array.from({ length: SIGNUP_SUBMISSION_MAX_ATTRIBUTE_KEYS + 1 }, (_, i) => [`k${i}`, 'x'])
    )
    const response = await submitSignup(client, form, { email, attributes })
    response.assertStatus(422)
    response.assertTextIncludes('data-testid="signup-form"')
    assert.isNull(await Consent.query().where('email', email).first())
    assert.isNull(await Client.query().where({ tenant_id: tenant.id, email }).first())
  })
})

/**
 * One address of every kind a visitor may type: new, pending (signed up,
 * not confirmed), a subscribed client, an unsubscribed one, a suppressed
 * one.
 */
async function addressesOfEveryKind(client: ApiClient, tenant: Tenant, form: SignupForm) {
  const pending = visitorEmail('pending')
  await submitSignup(client, form, { email: pending })
  await confirmationLinkFor(pending)
  const subscribed = await tenant.related('clients').create({ email: visitorEmail('member') })
  const unsubscribed = await tenant.related('clients').create({ email: visitorEmail('left') })
  await UnsubscribeClient.handle(unsubscribed)
  const bounced = visitorEmail('bounced')
  await SuppressAddress.handle({
    tenantId: tenant.id,
    email: bounced,
    reason: 'hard_bounce',
    source: 'test',
  })
  return {
    new: visitorEmail('new'),
    pending,
    subscribed: subscribed.email,
    unsubscribed: unsubscribed.email,
    suppressed: bounced,
  }
}

/**
 * How many SQL statements the web server (this process) ran during `task`.
 */
async function queriesDuring(task: () => Promise<unknown>) {
  const clients = new Set([db.connection().getWriteClient(), db.connection().getReadClient()])
  let count = 0
  const onQuery = () => (count += 1)
  for (const knex of clients) knex.on('query', onQuery)
  try {
    await task()
  } finally {
    for (const knex of clients) knex.off('query', onQuery)
  }
  return count
}

/**
 * Four spellings of one new Gmail mailbox: tagged, dotted, and through
 * googlemail.com.
 */
function gmailVariants(name: string) {
  const local = visitorEmail(name).split('@')[0].replaceAll('-', '')
  const dotted = `${local.slice(0, 3)}.${local.slice(3)}`
  return [
    `${local}@gmail.com`,
    `${local}+news@gmail.com`,
    `${dotted}+1@gmail.com`,
    `${dotted}@googlemail.com`,
  ]
}

test.group('Sign-up forms: Redis refusing commands', () => {
  test('a sign-up is answered with a 503 when Redis answers errors while connected', async ({
    assert,
    cleanup,
  }) => {
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup)
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    await privateRedis.client().config('SET', 'maxmemory', '1')

    const email = visitorEmail('refused')
    const answer = await fetch(server.url(`/f/${form.publicToken}`), {
      method: 'POST',
      body: new URLSearchParams({ email }),
      redirect: 'manual',
    })
    assert.equal(answer.status, 503, server.output)
    assert.include(await answer.text(), 'Sign-ups are paused for a moment')
    assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email }).first())
  }).timeout(60_000)
})
