import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import env from '#start/env'
import { isoTime } from '#api/serializers/time'
import Client from '#models/client'
import Consent from '#models/consent'
import Delivery from '#models/delivery'
import type SignupForm from '#models/signup_form'
import SuppressAddress from '#actions/suppressions/suppress_address'
import UnsubscribeClient from '#actions/clients/unsubscribe_client'
import { confirmClient } from '#actions/signup_forms/confirm_signup'
import { signupConfirmationUrl } from '#audiences/signup_links'
import { tagsOfClients } from '#audiences/client_tags'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { settledMailsTo } from '#tests/helpers/account_mail'
import { postForm, putForm } from '#tests/helpers/forms'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import { createEndpoint } from '#tests/functional/webhooks/helpers'
import {
  confirmationLinkFor,
  createAttribute,
  createSignupForm,
  followConfirmation,
  recordedConsent,
  submitSignup,
  visitorEmail,
} from '#tests/functional/signup_forms/helpers'

/**
 * The consent_version field of a page or snippet (the snippet shown as
 * text in the editor is HTML-escaped once more).
 */
function postedVersion(html: string) {
  const text = html.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>')
  const match = /<input type="hidden" name="consent_version" value="([^"]*)">/.exec(text)
  if (!match) throw new Error('No consent_version field')
  return match[1]
}

/**
 * The form's edit fields as they are, but for new consent words.
 */
function formWithConsentText(form: SignupForm, consentText: string) {
  return {
    name: form.name,
    title: form.title,
    askName: '1',
    consentText,
    successText: form.successText,
    confirmedText: form.confirmedText,
    confirmationSubject: form.confirmationSubject,
    confirmationBody: form.confirmationBody,
    redirectUrl: '',
    enabled: '1',
  }
}

test.group('Sign-up forms: the consent text recorded is the one shown', () => {
  test('a page or snippet shown before an edit records its own words; an unknown version records the current text, marked', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant, { consentText: 'Old words: a monthly letter.' })
    // A visitor opens the hosted page; the owner pastes the snippet on their site.
    const page = await client.get(`/f/${form.publicToken}`)
    const editor = await client.get(`/clients/forms/${form.id}/edit`).loginAs(user)
    const shownByPage = postedVersion(page.text())
    const shownBySnippet = postedVersion(editor.text())
    assert.equal(shownBySnippet, shownByPage)

    // Then the owner changes the words.
    const saved = await putForm(
      client,
      `/clients/forms/${form.id}`,
      formWithConsentText(form, 'New words: a weekly letter and offers.')
    ).loginAs(user)
    saved.assertHeader('location', `/clients/forms/${form.id}/edit`)
    const newPage = await client.get(`/f/${form.publicToken}`)
    const shownNow = postedVersion(newPage.text())
    assert.notEqual(shownNow, shownByPage)

    const posts = {
      oldPage: { version: shownByPage, email: visitorEmail('old-page') },
      oldSnippet: { version: shownBySnippet, email: visitorEmail('old-snippet') },
      newPage: { version: shownNow, email: visitorEmail('new-page') },
      forged: { version: 'ffffffffffffffff', email: visitorEmail('forged') },
      garbled: { version: '<script>', email: visitorEmail('garbled') },
      listed: { version: [shownByPage, shownNow], email: visitorEmail('listed') },
      none: { version: undefined, email: visitorEmail('none') },
    }
    for (const { version, email } of Object.values(posts)) {
      const answer = await submitSignup(client, form, {
        email,
        ...(version === undefined ? {} : { consent_version: version }),
      })
      answer.assertStatus(200)
      answer.assertTextIncludes('Check your inbox')
    }

    const recorded = async (email: string) => {
      const consent = await recordedConsent(tenant, email)
      return [consent.consentText, consent.consentTextMatched]
    }
    assert.deepEqual(await recorded(posts.oldPage.email), ['Old words: a monthly letter.', true])
    assert.deepEqual(await recorded(posts.oldSnippet.email), ['Old words: a monthly letter.', true])
    assert.deepEqual(await recorded(posts.newPage.email), [
      'New words: a weekly letter and offers.',
      true,
    ])
    // Unknown, garbled, not one value, absent: the current words, marked.
    for (const post of [posts.forged, posts.garbled, posts.listed, posts.none]) {
      assert.deepEqual(
        await recorded(post.email),
        ['New words: a weekly letter and offers.', false],
        post.email
      )
    }
    // The client page says which records could not name their words.
    const pageOf = async (email: string) => {
      const pending = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
      const response = await client.get(`/clients/${pending.id}/edit`).loginAs(user)
      return response.text()
    }
    assert.include(await pageOf(posts.forged.email), 'data-testid="consent-text-unmatched"')
    assert.notInclude(await pageOf(posts.oldPage.email), 'data-testid="consent-text-unmatched"')
  }).timeout(30_000)

  test('editing a form whose text was never stored (saved by an older process) keeps the old text known', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant, { consentText: 'Old words, never stored.' })
    const page = await client.get(`/f/${form.publicToken}`)
    const shownBefore = postedVersion(page.text())
    // As a form created or last saved before the versions were kept.
    await db.from('signup_form_consent_texts').where('signup_form_id', form.id).delete()

    const saved = await putForm(
      client,
      `/clients/forms/${form.id}`,
      formWithConsentText(form, 'New words.')
    ).loginAs(user)
    saved.assertHeader('location', `/clients/forms/${form.id}/edit`)

    const email = visitorEmail('old-page-after-edit')
    const answer = await submitSignup(client, form, { email, consent_version: shownBefore })
    answer.assertStatus(200)
    const consent = await recordedConsent(tenant, email)
    assert.deepEqual(
      [consent.consentText, consent.consentTextMatched],
      ['Old words, never stored.', true]
    )
  }).timeout(30_000)
})

test.group('Sign-up forms: the hosted page', () => {
  test('shows the workspace, the title, the intro, the fields and the consent text', async ({
    client,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Atelier Vert'
    await tenant.save()
    const company = await createAttribute(tenant, 'company')
    const plan = await createAttribute(tenant, 'plan', 'choice', ['Basic', 'Pro'])
    const form = await createSignupForm(tenant, {
      title: 'Our garden letter',
      intro: 'Twice a month.\nNo spam.',
      consentText: 'I agree to hear from Atelier Vert.',
      attributes: [{ definition: plan, required: true }, { definition: company }],
    })

    const page = await client.get(`/f/${form.publicToken}`)
    page.assertStatus(200)
    page.assertHeader('cache-control', 'no-store')
    page.assertTextIncludes('Atelier Vert')
    page.assertTextIncludes('Our garden letter')
    page.assertTextIncludes('Twice a month.\nNo spam.')
    page.assertTextIncludes('I agree to hear from Atelier Vert.')
    page.assertTextIncludes('name="email"')
    page.assertTextIncludes('name="name"')
    page.assertTextIncludes('name="website"')
    // In the form's order: the plan (required) before the company.
    const text = page.text()
    const planAt = text.indexOf('name="attributes[plan]"')
    assertBefore(planAt, text.indexOf('name="attributes[company]"'))
    page.assertTextIncludes('>Pro</option>')
  })

  test('an unknown, malformed or disabled form answers 404', async ({ client }) => {
    const { tenant } = await createUser()
    const disabled = await createSignupForm(tenant, { enabled: false })

    for (const path of [
      `/f/${disabled.publicToken}`,
      '/f/AAAAAAAAAAAAAAAAAAAAAAAA',
      '/f/short',
      '/f/not-a-token-at-all-but-long-enough',
    ]) {
      const response = await client.get(path)
      response.assertStatus(404)
    }
    const posted = await submitSignup(client, disabled, { email: visitorEmail() })
    posted.assertStatus(404)
  })
})

test.group('Sign-up forms: double opt-in', () => {
  test('a sign-up makes a pending client and a consent, mails the link; confirming subscribes with the tags and answers', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Atelier Vert'
    await tenant.save()
    const company = await createAttribute(tenant, 'company')
    const seats = await createAttribute(tenant, 'seats', 'number')
    const form = await createSignupForm(tenant, {
      tags: 'newsletter, From website',
      attributes: [{ definition: company, required: true }, { definition: seats }],
      confirmationSubject: 'Confirm your garden letter',
      confirmationBody: 'Hello!\n\nConfirm here: {{ confirm_url }}\n\nThanks.',
    })
    const email = visitorEmail('ada')

    const answer = await submitSignup(
      client,
      form,
      {
        email: `  ${email.toUpperCase()} `,
        name: 'Ada Lovelace',
        attributes: { company: 'Analytical Engines', seats: '12' },
      },
      '203.0.113.7'
    )
    answer.assertStatus(200)
    answer.assertTextIncludes('Check your inbox')

    // Pending: a client, never mailed, with nothing applied yet.
    const consent = await recordedConsent(tenant, email)
    const pending = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(pending.state, 'pending')
    assert.equal(pending.fullName, '')
    assert.deepEqual(pending.attributes, {})

    assert.equal(consent.ip, '203.0.113.7')
    assert.equal(consent.userAgent, 'Mozilla/5.0 (Signup test)')
    assert.equal(consent.signupFormId, form.id)
    assert.equal(consent.clientId, pending.id)
    assert.equal(consent.consentText, form.consentText)
    assert.deepEqual(consent.submitted, {
      fullName: 'Ada Lovelace',
      attributes: { company: 'Analytical Engines', seats: 12 },
    })
    assert.isNull(consent.confirmedAt)

    // The mail: from the workspace's sender ("via" until its domain is verified).
    const { mail, link } = await confirmationLinkFor(email, 'Confirm your garden letter')
    assert.include(mail.parsed.from?.text ?? '', 'Atelier Vert via')
    assert.include(mail.parsed.text ?? '', 'Hello!')
    assert.include(mail.parsed.html || '', `<a href="${env.get('APP_URL')}/f/confirm/`)

    const { page, confirmed } = await followConfirmation(client, link)
    page.assertStatus(200)
    page.assertTextIncludes('Confirm my subscription')
    confirmed.assertStatus(200)
    confirmed.assertTextIncludes(form.confirmedText)

    const subscribed = await Client.findOrFail(pending.id)
    assert.equal(subscribed.state, 'subscribed')
    assert.equal(subscribed.fullName, 'Ada Lovelace')
    assert.deepEqual(subscribed.attributes, { company: 'Analytical Engines', seats: 12 })
    const tags = await tagsOfClients([subscribed.id])
    assert.deepEqual(
      tags.get(subscribed.id)?.map((tag) => tag.name),
      ['From website', 'newsletter']
    )
    await consent.refresh()
    assert.isNotNull(consent.confirmedAt)

    // A second click (or a second tab): said, not an error, nothing changes.
    const again = await followConfirmation(client, link)
    again.page.assertStatus(200)
    again.page.assertTextIncludes('Already confirmed')
    again.confirmed.assertStatus(200)
    again.confirmed.assertTextIncludes('Already confirmed')
    const firstConfirmation = consent.confirmedAt!.toMillis()
    await consent.refresh()
    assert.equal(consent.confirmedAt!.toMillis(), firstConfirmation)
  }).timeout(30_000)

  test('an existing client is left as they are until they confirm', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const company = await createAttribute(tenant, 'company')
    const existing = await tenant.related('clients').create({
      email: visitorEmail('grace'),
      fullName: 'Grace H.',
      attributes: { company: 'Navy' },
    })
    const form = await createSignupForm(tenant, {
      tags: 'vip',
      attributes: [{ definition: company }],
    })

    await submitSignup(client, form, {
      email: existing.email,
      name: 'Grace Hopper',
      attributes: { company: 'Remington Rand' },
    }).then((response) => response.assertStatus(200))
    await existing.refresh()
    assert.equal(existing.state, 'subscribed')
    assert.equal(existing.fullName, 'Grace H.')
    assert.deepEqual(existing.attributes, { company: 'Navy' })

    const { link } = await confirmationLinkFor(existing.email)
    await followConfirmation(client, link)
    await existing.refresh()
    assert.equal(existing.fullName, 'Grace Hopper')
    assert.deepEqual(existing.attributes, { company: 'Remington Rand' })
    const tags = await tagsOfClients([existing.id])
    assert.deepEqual(
      tags.get(existing.id)?.map((tag) => tag.name),
      ['vip']
    )
  }).timeout(30_000)

  test('someone who had unsubscribed is subscribed again when they confirm; only their unsubscribe is lifted', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const left = await tenant.related('clients').create({ email: visitorEmail('left') })
    await UnsubscribeClient.handle(left)

    await submitSignup(client, form, { email: left.email })
    await left.refresh()
    assert.equal(left.state, 'unsubscribed')

    const { link } = await confirmationLinkFor(left.email)
    await followConfirmation(client, link)
    await left.refresh()
    assert.equal(left.state, 'subscribed')
    const entry = await db.from('suppressions').where({ tenant_id: tenant.id, email: left.email })
    assert.lengthOf(entry, 0)
  }).timeout(30_000)

  test('a hard-bounced, complained or manually suppressed address gets no mail and nothing is stored', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const blocked = {
      hard_bounce: visitorEmail('bounced'),
      complaint: visitorEmail('complained'),
      manual: visitorEmail('manual'),
    } as const
    for (const [reason, email] of Object.entries(blocked)) {
      await SuppressAddress.handle({
        tenantId: tenant.id,
        email,
        reason: reason as keyof typeof blocked,
        source: 'test',
      })
      const answer = await submitSignup(client, form, { email })
      answer.assertStatus(200)
      answer.assertTextIncludes('Check your inbox')
    }

    for (const email of Object.values(blocked)) {
      assert.lengthOf(await settledMailsTo(email), 0)
      assert.isNull(await Client.query().where({ tenant_id: tenant.id, email }).first())
      assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email }).first())
      const entry = await db
        .from('suppressions')
        .where({ tenant_id: tenant.id, email })
        .firstOrFail()
      assert.notEqual(entry.reason, 'unsubscribed')
    }
  }).timeout(30_000)

  test('an expired link says so and changes nothing; a tampered one is refused', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const email = visitorEmail('late')
    await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)
    const consent = await Consent.query().where({ tenant_id: tenant.id, email }).firstOrFail()

    // A link we signed, whose time is over.
    const expired = new URL(signupConfirmationUrl(consent, DateTime.now().minus({ minutes: 1 })))
    const path = `${expired.pathname}${expired.search}`
    const page = await client.get(path)
    page.assertStatus(410)
    page.assertTextIncludes('This link has expired')
    page.assertTextIncludes(`/f/${form.publicToken}`)
    const posted = await postForm(client, path)
    posted.assertStatus(410)

    const url = new URL(link, 'http://x')
    const tampered = [
      // Another consent's id under this signature.
      link.replace(`/f/confirm/${consent.id}?`, `/f/confirm/${consent.id + 1}?`),
      // A later expiry under this signature.
      link.replace(/expires=\d+/, `expires=${Number(url.searchParams.get('expires')) + 86_400}`),
      link.replace(/signature=[^&]+/, 'signature=forged'),
      `/f/confirm/${consent.id}`,
    ]
    for (const forged of tampered) {
      const response = await client.get(forged)
      response.assertStatus(404)
      response.assertTextIncludes('This link is not valid')
      const confirm = await postForm(client, forged)
      confirm.assertStatus(404)
    }

    await consent.refresh()
    assert.isNull(consent.confirmedAt)
    const pending = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(pending.state, 'pending')
  }).timeout(30_000)

  test('errors appear beside the fields, the hosted page comes back filled in, and nothing is stored', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const seats = await createAttribute(tenant, 'seats', 'number')
    const company = await createAttribute(tenant, 'company')
    const form = await createSignupForm(tenant, {
      attributes: [{ definition: company, required: true }, { definition: seats }],
    })

    const answer = await submitSignup(client, form, {
      email: 'not an address',
      name: 'Kept <b>Name</b>',
      attributes: { seats: 'twelve', unknown: 'ignored' },
    })
    answer.assertStatus(422)
    answer.assertTextIncludes('data-testid="error-email">Enter a valid email address')
    answer.assertTextIncludes('data-testid="error-company">Please fill in Company')
    answer.assertTextIncludes('data-testid="error-seats">Seats must be a number')
    answer.assertTextIncludes('value="not an address"')
    answer.assertTextIncludes('value="Kept &lt;b&gt;Name&lt;/b&gt;"')
    answer.assertTextIncludes('value="twelve"')
    assert.isNull(await Consent.query().where('tenant_id', tenant.id).first())

    const tooLong = await submitSignup(client, form, {
      email: visitorEmail(),
      name: 'n'.repeat(201),
      attributes: { company: 'c'.repeat(501) },
    })
    tooLong.assertStatus(422)
    tooLong.assertTextIncludes('data-testid="error-name"')
    tooLong.assertTextIncludes('data-testid="error-company"')
    assert.isNull(await Client.query().where('tenant_id', tenant.id).first())
  })

  test('a form with a redirect address answers every accepted sign-up with a 303 there', async ({
    client,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant, {
      redirectUrl: 'https://bakery.example/thanks?from=form',
    })
    const response = await submitSignup(client, form, { email: visitorEmail() })
    response.assertStatus(303)
    response.assertHeader('location', 'https://bakery.example/thanks?from=form')
    // Honeypot too: robots see what people see.
    const robot = await submitSignup(client, form, { email: visitorEmail(), website: 'x' })
    robot.assertStatus(303)
    robot.assertHeader('location', 'https://bakery.example/thanks?from=form')
  })

  test('confirming announces client.subscribed to a webhook receiver', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['client.subscribed'])
    const company = await createAttribute(tenant, 'company')
    const form = await createSignupForm(tenant, {
      tags: 'newsletter',
      attributes: [{ definition: company }],
    })
    const email = visitorEmail('hooked')

    await submitSignup(client, form, {
      email,
      name: 'Hedy Lamarr',
      attributes: { company: 'MGM' },
    })
    const { link } = await confirmationLinkFor(email)
    await followConfirmation(client, link)
    // A second click announces nothing more.
    await followConfirmation(client, link)

    await waitUntil('the client.subscribed webhook', async () => receiver.received.length >= 1)
    const [event] = receiver.verified(endpoint.secret)
    const subscribed = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    const consent = await Consent.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(event.type, 'client.subscribed')
    assert.deepEqual(event.data, {
      client_id: subscribed.id,
      email,
      full_name: 'Hedy Lamarr',
      attributes: { company: 'MGM' },
      tags: ['newsletter'],
      source: 'signup_form',
      signup_form_id: form.id,
      consent_id: consent.id,
      subscribed_at: isoTime(consent.confirmedAt!),
    })
    const messages = await db
      .from('webhook_messages')
      .where({ tenant_id: tenant.id, type: 'client.subscribed' })
    assert.lengthOf(messages, 1)
  }).timeout(30_000)

  test('a pending client gets nothing from a mailing to all clients', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const member = await tenant.related('clients').create({ email: visitorEmail('member') })
    const waiting = visitorEmail('waiting')
    await submitSignup(client, form, { email: waiting })
    await confirmationLinkFor(waiting)

    const mailing = await createOpenMailing(user, await createMessage(tenant), {
      nextRunAt: DateTime.now(),
    })
    await smtp.waitForMailTo(member.email)
    await waitUntil('the run to complete', async () => {
      const run = await db.from('mailing_runs').where('mailing_id', mailing.id).first()
      return run?.status === 'completed'
    })

    const sent = await Delivery.query()
      .where('email', waiting)
      .whereIn('status', ['queued', 'sent'])
      .first()
    assert.isNull(sent)
    // Only the confirmation mail ever reached the pending address.
    assert.lengthOf(await settledMailsTo(waiting), 1)
  }).timeout(60_000)

  test('the client page lists the consent records of the address', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    tenant.timeZone = 'UTC'
    await tenant.save()
    const form = await createSignupForm(tenant, {
      name: 'Website footer',
      consentText: 'Yes, send me <the> news.',
    })
    const email = visitorEmail('recorded')
    await submitSignup(client, form, { email }, '198.51.100.23')
    await recordedConsent(tenant, email)
    const pending = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()

    const page = await client.get(`/clients/${pending.id}/edit`).loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('data-testid="client-consents"')
    page.assertTextIncludes('Website footer')
    page.assertTextIncludes('198.51.100.23')
    page.assertTextIncludes('Yes, send me &lt;the&gt; news.')
    page.assertTextIncludes('Not yet')
    assert.notInclude(page.text(), '<the>')
  })
})

function assertBefore(first: number, second: number) {
  if (first === -1 || second === -1 || first > second) {
    throw new Error(`Expected position ${first} before ${second}`)
  }
}

test.group('Sign-up forms: what a confirmation changes and announces', () => {
  test('a takeover by the business and a confirmation announce client.subscribed once, even when the confirmation read the client before the takeover', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createEndpoint(tenant, 'https://hooks.example/signup', ['client.subscribed'])
    const form = await createSignupForm(tenant)
    const subscribedMessages = () =>
      db.from('webhook_messages').where({ tenant_id: tenant.id, type: 'client.subscribed' })

    // The business saves the pending client, then the visitor clicks.
    const first = visitorEmail('taken-over')
    await submitSignup(client, form, { email: first })
    const { link } = await confirmationLinkFor(first)
    const pending = await Client.query().where({ tenant_id: tenant.id, email: first }).firstOrFail()
    await putForm(client, `/clients/${pending.id}`, { email: first }).loginAs(user)
    const { confirmed } = await followConfirmation(client, link)
    confirmed.assertStatus(200)
    assert.lengthOf(await subscribedMessages(), 1)

    // The confirmation reads the client (pending), the takeover commits,
    // then the confirmation goes on with what it read.
    const second = visitorEmail('read-before-takeover')
    await submitSignup(client, form, { email: second })
    const consent = await recordedConsent(tenant, second)
    const stale = await Client.query().where({ tenant_id: tenant.id, email: second }).firstOrFail()
    assert.equal(stale.state, 'pending')
    await putForm(client, `/clients/${stale.id}`, { email: second }).loginAs(user)
    assert.lengthOf(await subscribedMessages(), 2)
    const change = await db.transaction((trx) =>
      confirmClient(trx, consent, form, stale, { created: false, unsubscribedSuppression: false })
    )
    assert.equal(change.kind, 'updated', 'the takeover announced it already')
    const after = await Client.findOrFail(stale.id)
    assert.equal(after.state, 'subscribed')
  }).timeout(30_000)

  test('an address suppressed as unsubscribed, with no unsubscribe of its client, is announced as subscribed', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['client.subscribed'])
    const form = await createSignupForm(tenant)
    const email = visitorEmail('listed')
    // Unsubscribed before it was a client (an import of a list of leavers).
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'unsubscribed',
      source: 'test',
    })
    const member = await tenant.related('clients').create({ email })
    await member.refresh()
    assert.equal(member.state, 'subscribed')

    await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)
    await followConfirmation(client, link)

    await waitUntil('the client.subscribed webhook', async () => receiver.received.length >= 1)
    const [event] = receiver.verified(endpoint.secret)
    assert.equal(event.type, 'client.subscribed')
    assert.equal(event.data.email, email)
    assert.lengthOf(await db.from('suppressions').where({ tenant_id: tenant.id, email }), 0)
  }).timeout(30_000)

  test('an address suppressed for a bounce after its sign-up confirms the consent, stays suppressed and is not announced', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, 'https://hooks.example/signup', [
      'client.subscribed',
      'client.updated',
    ])
    const form = await createSignupForm(tenant, { confirmedText: 'Welcome aboard.' })
    const email = visitorEmail('bounced-later')
    await submitSignup(client, form, { email, name: 'Later Bounce' })
    const { link } = await confirmationLinkFor(email)
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'hard_bounce',
      source: 'test',
    })

    const { confirmed } = await followConfirmation(client, link)
    confirmed.assertStatus(200)
    confirmed.assertTextIncludes(form.confirmedText)

    const consent = await Consent.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.isNotNull(consent.confirmedAt)
    const pending = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(pending.state, 'pending')
    assert.equal(pending.fullName, '')
    const entry = await db.from('suppressions').where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(entry.reason, 'hard_bounce')
    const messages = await db.from('webhook_messages').where('tenant_id', tenant.id)
    assert.lengthOf(messages, 0, `endpoint ${endpoint.id}`)
  }).timeout(30_000)

  test('a subscribed client who confirms is announced as client.updated with what changed', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), [
      'client.subscribed',
      'client.updated',
    ])
    const company = await createAttribute(tenant, 'company')
    const member = await tenant.related('clients').create({
      email: visitorEmail('member'),
      fullName: 'Ada L.',
      attributes: { company: 'Analytical' },
    })
    const form = await createSignupForm(tenant, {
      tags: 'newsletter',
      attributes: [{ definition: company }],
    })

    await submitSignup(client, form, {
      email: member.email,
      name: 'Ada Lovelace',
      attributes: { company: 'Babbage & Co' },
    })
    const { link } = await confirmationLinkFor(member.email)
    await followConfirmation(client, link)

    await waitUntil('the client.updated webhook', async () => receiver.received.length >= 1)
    const events = receiver.verified(endpoint.secret)
    assert.deepEqual(
      events.map((event) => event.type),
      ['client.updated']
    )
    assert.equal(events[0].data.source, 'signup_form')
    assert.deepEqual(events[0].data.changes, {
      full_name: { from: 'Ada L.', to: 'Ada Lovelace' },
      attributes: { company: { from: 'Analytical', to: 'Babbage & Co' } },
      tags: { added: ['newsletter'], removed: [] },
    })
  }).timeout(30_000)

  test('a listener failing after the commit still shows the visitor their confirmation', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant, { tags: 'newsletter' })
    const email = visitorEmail('unheard')
    await submitSignup(client, form, { email, name: 'Grace Hopper' })
    const { link } = await confirmationLinkFor(email)

    // The confirmation is committed when its announcement runs: a failing
    // listener (a webhook store, the cache) must not answer a 5xx for it.
    const failing = () => {
      throw new Error('a listener failed')
    }
    emitter.on('client:subscribed', failing)
    try {
      const { confirmed } = await followConfirmation(client, link)
      confirmed.assertStatus(200)
      confirmed.assertTextIncludes('Your subscription is confirmed')
    } finally {
      emitter.off('client:subscribed', failing)
    }
    const subscribed = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.isNull(subscribed.pendingAt)
    const consent = await recordedConsent(tenant, email)
    assert.isNotNull(consent.confirmedAt)
  }).timeout(30_000)

  test('a form disabled after the mail still confirms with its tags; the click’s IP and browser are kept', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant, {
      tags: 'spring',
      title: 'Spring letters',
      confirmedText: 'Welcome to spring.',
    })
    const email = visitorEmail('disabled')
    await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)
    form.isEnabled = false
    await form.save()

    const page = await client.get(link)
    page.assertStatus(200)
    page.assertTextIncludes(form.title)
    const confirmed = await postForm(client, link).header('User-Agent', 'Confirming browser/1.0')
    confirmed.assertStatus(200)
    confirmed.assertTextIncludes(form.confirmedText)

    const member = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(member.state, 'subscribed')
    const tags = await tagsOfClients([member.id])
    assert.deepEqual(
      tags.get(member.id)?.map((tag) => tag.name),
      ['spring']
    )
    const consent = await Consent.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.isString(consent.confirmedIp)
    assert.isNotEmpty(consent.confirmedIp)
    assert.equal(consent.confirmedUserAgent, 'Confirming browser/1.0')
  }).timeout(30_000)
})
