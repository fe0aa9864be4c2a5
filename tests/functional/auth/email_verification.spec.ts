import { test } from '@japa/runner'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { signedLinks } from '#services/accounts/signed_links'
import { postForm } from '#tests/helpers/forms'

function pathOf(url: string) {
  const parsed = new URL(url)
  return parsed.pathname + parsed.search
}

test.group('Email verification', () => {
  test('a valid link verifies the address', async ({ client, assert }) => {
    const { user } = await createUser({ verified: false })
    const response = await client.get(pathOf(signedLinks.emailVerification(user))).redirects(0)

    response.assertStatus(302)
    await user.refresh()
    assert.isNotNull(user.emailVerifiedAt)
  })

  test('a tampered link is refused and verifies nothing', async ({ client, assert }) => {
    const { user } = await createUser({ verified: false })
    const { user: other } = await createUser({ verified: false })
    const tampered = pathOf(signedLinks.emailVerification(user)).replace(
      `/${user.id}/`,
      `/${other.id}/`
    )

    const response = await client.get(tampered).redirects(0)
    response.assertStatus(400)
    response.assertTextIncludes('expired or is not valid')
    await other.refresh()
    assert.isNull(other.emailVerifiedAt)
  })

  test('a link sent to a previous address no longer works', async ({ client, assert }) => {
    const { user } = await createUser({ verified: false })
    const link = pathOf(signedLinks.emailVerification(user))
    user.email = `changed-${user.email}`
    await user.save()

    const response = await client.get(link).redirects(0)
    response.assertStatus(400)
    await user.refresh()
    assert.isNull(user.emailVerifiedAt)
  })

  test('unverified users see a banner and can ask for a new link', async ({ client }) => {
    const { user } = await createUser({ verified: false })

    const dashboard = await client.get('/dashboard').loginAs(user)
    dashboard.assertStatus(200)
    dashboard.assertTextIncludes('Please confirm your email address')

    const resend = await postForm(client, '/verify-email/resend').loginAs(user)
    resend.assertStatus(302)
    await smtp.waitForMailTo(user.email, 'Confirm your email')
  })

  test('verified users see no banner', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await client.get('/dashboard').loginAs(user)
    response.assertStatus(200)
    assert.notInclude(response.text(), 'Please confirm your email address')
  })
})
