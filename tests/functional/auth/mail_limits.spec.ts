import { test } from '@japa/runner'
import type { ApiClient, ApiRequest } from '@japa/api-client'
import accountsConfig from '#config/accounts'
import User from '#models/user'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { settledMailsTo } from '#tests/helpers/account_mail'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { postForm } from '#tests/helpers/forms'

async function existingAccount() {
  const { user } = await createUser()
  return { email: user.email }
}

const signUpForm = (email: string) => ({
  fullName: 'Mallory Flood',
  email,
  password: STRONG_PASSWORD,
  passwordConfirmation: STRONG_PASSWORD,
})

/**
 * The three forms that make us send mail, each pressed 15 times against one
 * address (the attack of issue 11: 15 and 16 mails arrived). `ask` sends one
 * request; `neutral` reads what the person sees after it.
 */
const floods: {
  name: string
  target: () => Promise<{ email: string; user?: User }>
  ask: (client: ApiClient, target: { email: string; user?: User }) => ApiRequest
  neutral: (response: Awaited<ApiRequest>) => string
}[] = [
  {
    name: 'forgot password',
    target: existingAccount,
    ask: (client, { email }) => postForm(client, '/forgot-password', { email }),
    neutral: (response) => String(response.flashMessages().success),
  },
  {
    name: 'sign-up with a stranger\'s address, then "send again"',
    target: async () => ({ email: `stranger-${Date.now()}@example.com` }),
    ask: (client, target) => {
      if (!target.user) return postForm(client, '/signup', signUpForm(target.email))
      return postForm(client, '/verify-email/resend').loginAs(target.user)
    },
    neutral: (response) => String(response.flashMessages().success ?? response.text()),
  },
  {
    name: 'sign-up with an address that has an account',
    target: existingAccount,
    ask: (client, { email }) => postForm(client, '/signup', signUpForm(email)),
    neutral: (response) => response.text().replace(/name="_csrf" value="[^"]*"/g, ''),
  },
]

test.group('Account mail limits', (group) => {
  const configured = { ...accountsConfig.mail }
  group.each.setup(() => () => {
    Object.assign(accountsConfig.mail, configured)
  })

  test('{name}: 15 requests for one address send it 3 mails, with the same answer')
    .with(floods)
    .run(async ({ client, assert }, flood) => {
      const target = await flood.target()
      const answers: string[] = []
      for (let i = 0; i < 15; i++) {
        const response = await flood.ask(client, target).redirects(0)
        assert.isBelow(response.status(), 400, response.text())
        answers.push(flood.neutral(response))
        target.user ??= (await User.findBy('email', target.email)) ?? undefined
      }

      assert.lengthOf(await settledMailsTo(target.email), 3)
      // The third and the fifteenth answers say the same: a refused mail
      // is not told apart from a sent one.
      assert.equal(answers[14], answers[2])
    })

  test('one IP makes at most MAIL_LIMIT_PER_IP account mails, whatever the addresses', async ({
    client,
    assert,
  }) => {
    accountsConfig.mail.perIp = 3
    const [flooder, someoneElse] = [newIp(), newIp()]
    const victims = await Promise.all(Array.from({ length: 5 }, () => createUser()))
    const ask = (email: string, ip: string) =>
      throughTrustedProxy(postForm(client, '/forgot-password', { email }), ip)

    for (const { user } of victims) await ask(user.email, flooder)
    const helped = await createUser()
    await ask(helped.user.email, someoneElse)

    let received = 0
    for (const { user } of victims) {
      const mails = await settledMailsTo(user.email)
      received += mails.length
    }
    assert.equal(received, 3)
    assert.lengthOf(await settledMailsTo(helped.user.email), 1)
  })

  test('one account gets at most MAIL_LIMIT_PER_USER mails, even from several addresses', async ({
    client,
    assert,
  }) => {
    accountsConfig.mail.perUser = 2
    const { user } = await createUser({ verified: false })
    const addresses = [user.email]
    for (let i = 0; i < 3; i++) {
      await postForm(client, '/verify-email/resend').loginAs(user)
      // The account moves to a new address: a fresh per-address count.
      user.email = `moved-${i}-${user.email}`
      await user.save()
      addresses.push(user.email)
    }

    let received = 0
    for (const address of addresses) {
      const mails = await settledMailsTo(address)
      received += mails.length
    }
    assert.equal(received, 2)
  })
})
