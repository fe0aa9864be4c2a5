import { test } from '@japa/runner'
import Membership from '#models/membership'
import Message from '#models/message'
import User from '#models/user'
import { smtp } from '#tests/helpers/peers'
import { linkIn } from '#tests/helpers/account_mail'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { createMessage } from '#tests/helpers/workspace'
import { logInThroughForm } from '#tests/helpers/browser'
import {
  codeAt,
  freezeTwoFactorClock,
  releaseTwoFactorClock,
  STEP_MS,
  FIXED_TIME,
} from '#tests/helpers/two_factor'

test.group('Teams in the browser', (group) => {
  group.each.setup(() => {
    freezeTwoFactorClock()
    return () => releaseTwoFactorClock()
  })

  test('an owner invites a colleague, who signs up from the mail, turns on 2FA, logs in with a code, edits a message, is removed and is refused', async ({
    visit,
    browser,
    assert,
  }) => {
    const { user: owner, tenant } = await createUser()
    await tenant.merge({ name: 'Acme Studio' }).save()
    const message = await createMessage(tenant)
    const colleagueEmail = `grace-${Date.now().toString(36)}@example.com`

    // The owner invites an editor from Settings → Members.
    const ownerPage = await visit('/login')
    await logInThroughForm(ownerPage, owner.email)
    await ownerPage.goto(new URL('/settings/members', ownerPage.url()).href)
    await ownerPage.getByLabel('Email').fill(colleagueEmail)
    await ownerPage.locator('#field-role').selectOption('editor')
    await ownerPage.getByRole('button', { name: 'Send invitation' }).click()
    await ownerPage.assertTextContains('.alert-success', colleagueEmail)

    // The colleague, in a browser of their own, follows the mailed link.
    const mail = await smtp.waitForMailTo(colleagueEmail, 'invited you to Acme Studio')
    const link = linkIn(mail.parsed.text, '/invitations/')
    const colleagueBrowser = await browser.newContext()
    const page = await colleagueBrowser.newPage()
    await page.goto(new URL(link, ownerPage.url()).href)
    await page.getByLabel('Your name').fill('Grace Colleague')
    await page.getByLabel('Password', { exact: true }).fill(STRONG_PASSWORD)
    await page.getByLabel('Repeat the password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Make my account and join' }).click()
    await page.waitForURL('**/dashboard')
    await page.assertTextContains('[data-testid="workspace-switcher"]', 'Acme Studio')

    // Two-factor log-in, enrolled from Settings → Security with an
    // authenticator app's code (the app's clock is stopped: FIXED_TIME).
    await page.goto(new URL('/settings/security', page.url()).href)
    await page.getByLabel('Your password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Set up two-factor log-in' }).click()
    const shown = await page.getByTestId('two-factor-secret').textContent()
    const secret = (shown ?? '').replace(/\s+/g, '')
    assert.match(
      (await page.getByTestId('two-factor-qr').getAttribute('src')) ?? '',
      /^data:image\/svg\+xml/
    )
    await page.getByLabel('Code from the app').fill(await codeAt(secret, FIXED_TIME - STEP_MS))
    await page.getByRole('button', { name: 'Turn on' }).click()
    assert.equal(await page.getByTestId('recovery-code').count(), 10)

    // Log out, log in again: the password alone is not enough.
    await page.getByTestId('user-menu').click()
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.goto(new URL('/login', page.url()).href)
    await page.getByLabel('Email').fill(colleagueEmail)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/login/two-factor')
    await page.getByLabel('Code').fill(await codeAt(secret, FIXED_TIME))
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    // An editor edits a message of the workspace.
    await page.goto(new URL(`/messages/${message.id}/edit`, page.url()).href)
    await page.getByLabel('Subject').fill('Edited by Grace')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.waitForURL(`**/messages/${message.id}`)
    await message.refresh()
    assert.equal(message.subject, 'Edited by Grace')

    // The owner removes her; her very next request is refused.
    const colleague = await User.findByOrFail('email', colleagueEmail)
    await ownerPage.reload()
    ownerPage.once('dialog', (dialog) => dialog.accept())
    await ownerPage.getByRole('button', { name: `Remove ${colleagueEmail}` }).click()
    await ownerPage.assertTextContains('.alert-success', colleagueEmail)
    assert.isNull(
      await Membership.query().where({ tenantId: tenant.id, userId: colleague.id }).first()
    )

    await page.goto(new URL(`/messages/${message.id}/edit`, page.url()).href)
    await page.waitForURL('**/workspaces/new')
    await page.assertTextContains('[data-testid="no-workspace"]', 'not a member of any workspace')
    const kept = await Message.findOrFail(message.id)
    assert.equal(kept.subject, 'Edited by Grace')
    await colleagueBrowser.close()
  }).timeout(90_000)
})
