import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import SignupForm from '#models/signup_form'
import RecordSignup from '#actions/signup_forms/record_signup'
import Client from '#models/client'
import Consent from '#models/consent'
import Membership from '#models/membership'
import BlockUser from '#actions/users/block_user'
import UnblockUser from '#actions/users/unblock_user'
import { askedAttributesOf, tagNamesOf } from '#audiences/signup_forms'
import { MAX_TAGS_PER_WORKSPACE, findOrCreateTags } from '#audiences/client_tags'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import {
  confirmationLinkFor,
  createAttribute,
  createSignupForm,
  followConfirmation,
  submitSignup,
  visitorEmail,
} from '#tests/functional/signup_forms/helpers'

/**
 * Every field of the editor, as the browser sends it: the attribute rows
 * as `attributes[0][id]=…` (the test client would send a list of objects
 * without their indexes).
 */
function editorFields(
  overrides: Record<string, unknown> & { attributes?: Record<string, string | number>[] } = {}
) {
  const { attributes = [], ...fields } = overrides
  const rows = attributes.flatMap((row, index) =>
    Object.entries(row).map(([name, value]) => [`attributes[${index}][${name}]`, value])
  )
  return {
    ...Object.fromEntries(rows),
    name: 'Footer form',
    title: 'Join our letter',
    intro: 'Once a month.',
    askName: '1',
    tags: 'newsletter, Website',
    consentText: 'I agree to receive the letter.',
    successText: 'Almost there: check your inbox.',
    confirmedText: 'Welcome aboard!',
    confirmationSubject: 'Confirm your letter',
    confirmationBody: 'Click {{confirm_url}} to confirm.',
    redirectUrl: '',
    enabled: '1',
    ...fields,
  }
}

test.group('Sign-up forms: the editor', () => {
  test('a workspace with 25 attributes: every row of the editor is read', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const definitions = []
    for (let index = 0; index < 25; index++) {
      definitions.push(await createAttribute(tenant, `field_${String(index).padStart(2, '0')}`))
    }
    const rows = definitions.map((definition, index): Record<string, string | number> =>
      index >= 23 ? { id: definition.id, asked: '1' } : { id: definition.id }
    )

    const created = await postForm(
      client,
      '/clients/forms',
      editorFields({ attributes: rows })
    ).loginAs(user)
    const form = await SignupForm.query().where('tenant_id', tenant.id).firstOrFail()
    created.assertHeader('location', `/clients/forms/${form.id}/edit`)
    const asked = await askedAttributesOf(form)
    assert.deepEqual(
      asked.map(({ definition }) => definition.key),
      ['field_23', 'field_24']
    )
  })

  test('creates a form with its tags and asked attributes, and shows its address and snippet', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const company = await createAttribute(tenant, 'company')
    const seats = await createAttribute(tenant, 'seats', 'number')

    const empty = await client.get('/clients/forms').loginAs(user)
    empty.assertStatus(200)
    empty.assertTextIncludes('No forms yet')
    const blank = await client.get('/clients/forms/create').loginAs(user)
    blank.assertStatus(200)
    blank.assertTextIncludes('{{ confirm_url }}')

    // Rows are listed by the attributes' keys: company, seats.
    const created = await postForm(
      client,
      '/clients/forms',
      editorFields({
        attributes: [
          { id: company.id, asked: '1', position: '2' },
          { id: seats.id, asked: '1', required: '1', position: '1' },
        ],
      })
    ).loginAs(user)
    const form = await SignupForm.query().where('tenant_id', tenant.id).firstOrFail()
    created.assertHeader('location', `/clients/forms/${form.id}/edit`)
    assert.match(form.publicToken, /^[0-9A-Za-z]{24}$/)
    assert.isTrue(form.askName)
    assert.isTrue(form.isEnabled)
    assert.isNull(form.redirectUrl)
    assert.deepEqual(await tagNamesOf(form), ['newsletter', 'Website'])
    const asked = await askedAttributesOf(form)
    assert.deepEqual(
      asked.map(({ definition, required }) => [definition.key, required]),
      [
        ['seats', true],
        ['company', false],
      ]
    )

    const edit = await client.get(`/clients/forms/${form.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    edit.assertTextIncludes(`http://localhost:${process.env.PORT}/f/${form.publicToken}`)
    // The snippet, shown as text: a plain POST form to the hosted address.
    edit.assertTextIncludes(
      `&lt;form method=&quot;post&quot; action=&quot;http://localhost:${process.env.PORT}/f/${form.publicToken}&quot;`
    )
    edit.assertTextIncludes('name=&quot;attributes[seats]&quot;')
    edit.assertTextIncludes('name=&quot;website&quot;')
    edit.assertTextIncludes('0 sign-ups, 0 confirmed.')

    const list = await client.get('/clients/forms').loginAs(user)
    list.assertTextIncludes('Footer form')
    list.assertTextIncludes(form.publicToken)
  })

  test('refuses a mail without {{ confirm_url }}, a redirect that is not http(s), and another workspace’s attributes', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const foreign = await createAttribute(other.tenant, 'secret')

    const response = await postForm(
      client,
      '/clients/forms',
      editorFields({
        name: '',
        confirmationBody: 'Click the link to confirm.',
        redirectUrl: 'javascript:alert(1)',
        confirmationSubject: 'Two\nlines',
        attributes: [{ id: foreign.id, asked: '1', position: '1' }],
      })
    ).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', {
      name: ['Please fill in the name'],
      confirmationBody: [
        'Put {{ confirm_url }} in the mail: it becomes the link that confirms the sign-up',
      ],
      redirectUrl: ['Enter a full http:// or https:// address, or leave it empty'],
      confirmationSubject: ['The subject must be one line'],
      attributes: ['Choose among your own attributes'],
    })
    assert.isNull(await SignupForm.query().where('tenant_id', tenant.id).first())

    const ftp = await postForm(
      client,
      '/clients/forms',
      editorFields({ redirectUrl: 'ftp://files.example.com/' })
    ).loginAs(user)
    ftp.assertFlashMessage('inputErrorsBag', {
      redirectUrl: ['Enter a full http:// or https:// address, or leave it empty'],
    })
  })

  test('a form’s tags split on the CSV separators and are one line each', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    // A name holding ";" would come back from a CSV export as two tags.
    const saved = await postForm(
      client,
      '/clients/forms',
      editorFields({ tags: 'bread; butter, jam' })
    ).loginAs(user)
    saved.assertStatus(302)
    const form = await SignupForm.query().where('tenant_id', tenant.id).firstOrFail()
    assert.sameMembers(await tagNamesOf(form), ['bread', 'butter', 'jam'])

    const refused = await postForm(
      client,
      '/clients/forms',
      editorFields({ name: 'Other', tags: 'two\u0001lines' })
    ).loginAs(user)
    refused.assertFlashMessage('inputErrorsBag', { tags: ['A tag name is one line of text'] })
  })

  test('a form whose new tags would pass the workspace’s limit is refused beside its tags', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await findOrCreateTags(
      tenant.id,
      Array.from({ length: MAX_TAGS_PER_WORKSPACE }, (_, i) => `tag ${i}`)
    )
    const response = await postForm(
      client,
      '/clients/forms',
      editorFields({ tags: 'one more' })
    ).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', {
      tags: [`A workspace has at most ${MAX_TAGS_PER_WORKSPACE} tags`],
    })
    assert.isNull(await SignupForm.query().where('tenant_id', tenant.id).first())
  })

  test('edits a form: its settings, tags and attributes change; unticked boxes turn off', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const company = await createAttribute(tenant, 'company')
    const form = await createSignupForm(tenant, {
      tags: 'old',
      attributes: [{ definition: company }],
    })

    const saved = await putForm(
      client,
      `/clients/forms/${form.id}`,
      editorFields({
        askName: undefined,
        enabled: undefined,
        tags: 'fresh',
        redirectUrl: 'https://bakery.example/thanks',
        attributes: [{ id: company.id, position: '1' }],
      })
    ).loginAs(user)
    saved.assertHeader('location', `/clients/forms/${form.id}/edit`)
    saved.assertFlashMessage('success', 'The form “Footer form” is saved.')
    await form.refresh()
    assert.equal(form.title, 'Join our letter')
    assert.isFalse(form.askName)
    assert.isFalse(form.isEnabled)
    assert.equal(form.redirectUrl, 'https://bakery.example/thanks')
    assert.deepEqual(await tagNamesOf(form), ['fresh'])
    assert.lengthOf(await askedAttributesOf(form), 0)

    // Disabled: the public page answers 404.
    const page = await client.get(`/f/${form.publicToken}`)
    page.assertStatus(404)
  })

  test('a new address stops the old page and snippet; links already mailed still confirm', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const oldToken = form.publicToken
    const email = visitorEmail()
    await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)

    const response = await postForm(client, `/clients/forms/${form.id}/regenerate-token`).loginAs(
      user
    )
    response.assertHeader('location', `/clients/forms/${form.id}/edit`)
    await form.refresh()
    assert.notEqual(form.publicToken, oldToken)
    const oldPage = await client.get(`/f/${oldToken}`)
    oldPage.assertStatus(404)
    const oldSnippet = await submitSignup(
      client,
      { publicToken: oldToken },
      { email: visitorEmail() }
    )
    oldSnippet.assertStatus(404)
    const newPage = await client.get(`/f/${form.publicToken}`)
    newPage.assertStatus(200)

    const { confirmed } = await followConfirmation(client, link)
    confirmed.assertTextIncludes('Subscription confirmed')
  }).timeout(30_000)

  test('deleting a form stops its page; its consents are kept and their links still confirm', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant, { name: 'Short-lived', tags: 'gone' })
    const email = visitorEmail()
    await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)

    const response = await deleteForm(client, `/clients/forms/${form.id}`).loginAs(user)
    response.assertHeader('location', '/clients/forms')
    response.assertFlashMessage(
      'success',
      'The form “Short-lived” is deleted: its page and snippet stop working. Its consent records are kept.'
    )
    const page = await client.get(`/f/${form.publicToken}`)
    page.assertStatus(404)

    const consent = await Consent.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.isNull(consent.signupFormId)
    const { confirmed } = await followConfirmation(client, link)
    confirmed.assertStatus(200)
    confirmed.assertTextIncludes('Subscription confirmed')
  }).timeout(30_000)

  test('the forms of a blocked workspace stop: no page, no sign-up, no mail', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const { user: staff } = await createUser({ role: 'admin' })
    await BlockUser.handle({ user, actor: staff, reason: 'Spam' })

    const page = await client.get(`/f/${form.publicToken}`)
    page.assertStatus(404)
    const email = visitorEmail()
    const post = await submitSignup(client, form, { email })
    post.assertStatus(404)
    assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email }).first())
  })

  test("a team's forms stop when an owner is blocked, whoever was last in the workspace, and removing them does not lift it", async ({
    client,
  }) => {
    const { user: owner, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const { user: staff } = await createUser({ role: 'admin' })
    // The owner was last in another workspace; an editor was last here, and
    // is blocked: the forms go on.
    const { tenant: elsewhere } = await createUser()
    await Membership.create({ tenantId: elsewhere.id, userId: owner.id, role: 'viewer' })
    owner.lastTenantId = elsewhere.id
    await owner.save()
    const { user: editor } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: editor.id, role: 'editor' })
    editor.lastTenantId = tenant.id
    await editor.save()
    await BlockUser.handle({ user: editor, actor: staff, reason: 'Spam' })
    const open = await client.get(`/f/${form.publicToken}`)
    open.assertStatus(200)

    // Blocking the owner stops them; a co-owner removing them does not help.
    const { user: coOwner } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: coOwner.id, role: 'owner' })
    await BlockUser.handle({ user: owner, actor: staff, reason: 'Spam' })
    await Membership.query().where({ tenantId: tenant.id, userId: owner.id }).delete()
    const closed = await client.get(`/f/${form.publicToken}`)
    closed.assertStatus(404)

    await UnblockUser.handle({ user: owner, actor: staff })
    const reopened = await client.get(`/f/${form.publicToken}`)
    reopened.assertStatus(200)
  })

  test('a sign-up queued before its form was disabled or its workspace blocked records nothing', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const signup = (email: string) =>
      RecordSignup.handle({
        submissionId: randomUUID(),
        formId: form.id,
        email,
        submitted: {},
        consentText: form.consentText,
        ip: '192.0.2.1',
        userAgent: null,
        mail: 'allowed',
      })

    form.isEnabled = false
    await form.save()
    const whileDisabled = visitorEmail()
    await signup(whileDisabled)

    form.isEnabled = true
    await form.save()
    const { user: staff } = await createUser({ role: 'admin' })
    await BlockUser.handle({ user, actor: staff, reason: 'Spam' })
    const whileBlocked = visitorEmail()
    await signup(whileBlocked)

    for (const email of [whileDisabled, whileBlocked]) {
      assert.isNull(await Consent.query().where({ tenant_id: tenant.id, email }).first())
      assert.isNull(await Client.query().where({ tenant_id: tenant.id, email }).first())
    }
  })

  test('the snippet escapes every value of the form; the hosted page too', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const hostile = '"><script>alert(1)</script>'
    const plan = await createAttribute(tenant, 'plan', 'choice', [`Pro${hostile}`])
    plan.label = `Plan${hostile}`
    await plan.save()
    const form = await createSignupForm(tenant, {
      title: `Title${hostile}`,
      intro: `Intro${hostile}`,
      consentText: `Consent${hostile}`,
      attributes: [{ definition: plan }],
    })

    const edit = await client.get(`/clients/forms/${form.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    assert.notInclude(edit.text(), '<script>alert(1)</script>')
    // The snippet's own HTML escapes the values; the page escapes the snippet again.
    edit.assertTextIncludes('Title&amp;quot;&amp;gt;&amp;lt;script&amp;gt;')

    const page = await client.get(`/f/${form.publicToken}`)
    assert.notInclude(page.text(), '<script>alert(1)</script>')
    page.assertTextIncludes('Title&quot;&gt;&lt;script&gt;')
  })
})

test.group('Sign-up forms: pages', () => {
  test('no template syntax reaches any page of the editor or the visitor', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const flag = await createAttribute(tenant, 'vip', 'boolean')
    const plan = await createAttribute(tenant, 'plan', 'choice', ['Basic', 'Pro'])
    const when = await createAttribute(tenant, 'birthday', 'date')
    const form = await createSignupForm(tenant, {
      intro: 'Hello',
      attributes: [{ definition: flag }, { definition: plan }, { definition: when }],
    })
    const email = visitorEmail()
    const submitted = await submitSignup(client, form, { email })
    const { link } = await confirmationLinkFor(email)
    const { page: confirm, confirmed } = await followConfirmation(client, link)
    const refused = await submitSignup(client, form, { email: 'nope', attributes: { plan: 'x' } })
    const subscriber = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()

    const pages = [
      await client.get('/clients/forms').loginAs(user),
      await client.get('/clients/forms/create').loginAs(user),
      await client.get(`/clients/forms/${form.id}/edit`).loginAs(user),
      await client.get(`/clients?q=${encodeURIComponent(email)}`).loginAs(user),
      await client.get(`/clients/${subscriber.id}/edit`).loginAs(user),
      await client.get(`/f/${form.publicToken}`),
      submitted,
      refused,
      confirm,
      confirmed,
    ]
    for (const page of pages) {
      assert.notMatch(page.text(), /@!|@(?:if|elseif|else|each|let|include|component|end)\b/)
    }
  }).timeout(30_000)
})
