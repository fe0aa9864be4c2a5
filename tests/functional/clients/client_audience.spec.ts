import { test } from '@japa/runner'
import Client from '#models/client'
import { createUser } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { postForm, putForm } from '#tests/helpers/forms'
import {
  attributesOf,
  createAttribute,
  createTag,
  setAttributes,
  tagClients,
  tagNamesOf,
} from '#tests/functional/clients/audience_helpers'
import type Tenant from '#models/tenant'

/**
 * A workspace with one attribute of each type and three tags.
 */
async function definedWorkspace(tenant: Tenant) {
  await createAttribute(tenant, 'company', 'text')
  await createAttribute(tenant, 'seats', 'number')
  await createAttribute(tenant, 'signed_up', 'date')
  await createAttribute(tenant, 'vip', 'boolean')
  await createAttribute(tenant, 'plan', 'choice', ['Free', 'Pro'])
  return {
    news: await createTag(tenant, 'news'),
    vip: await createTag(tenant, 'VIP'),
    spare: await createTag(tenant, 'spare'),
  }
}

test.group('Client form: tags and attributes', () => {
  test('adds a client with its tags and typed attributes', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { news, vip } = await definedWorkspace(tenant)

    const form = await client.get('/clients/create').loginAs(user)
    form.assertTextIncludes(`name="tagIds[]" value="${news.id}"`)
    form.assertTextIncludes('type="number"')
    form.assertTextIncludes('type="date"')
    form.assertTextIncludes('name="attributes[vip]" value="true"')
    form.assertTextIncludes('<option value="Pro"')

    const response = await postForm(client, '/clients', {
      email: 'ada@example.com',
      fullName: 'Ada',
      tagIds: [news.id, vip.id],
      attributes: {
        company: '  Acme  ',
        seats: '12.5',
        signed_up: '2026-02-28',
        vip: 'true',
        plan: 'pro',
      },
    }).loginAs(user)
    response.assertHeader('location', '/clients')
    response.assertFlashMessage('success', 'ada@example.com is added to your clients.')

    const saved = await Client.query().where('tenant_id', tenant.id).firstOrFail()
    assert.deepEqual(await tagNamesOf(saved), ['news', 'VIP'])
    assert.deepEqual(await attributesOf(saved), {
      company: 'Acme',
      seats: 12.5,
      signed_up: '2026-02-28',
      vip: true,
      plan: 'Pro',
    })

    // The edit page shows them.
    const edit = await client.get(`/clients/${saved.id}/edit`).loginAs(user)
    const html = edit.text()
    assert.match(html, new RegExp(`value="${news.id}" id="field-tag-${news.id}" checked`))
    assert.notMatch(html, /value="\d+" id="field-tag-\d+" checked>\s*<label[^>]*>spare/)
    assert.include(html, 'value="Acme"')
    assert.include(html, 'value="12.5"')
    assert.include(html, 'value="2026-02-28"')
    assert.match(html, /value="true"\s+id="field-attribute-vip-true" checked/)
    assert.include(html, '<option value="Pro" selected>')
  })

  test('refuses bad values beside each field and saves nothing', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { news } = await definedWorkspace(tenant)
    const other = await createUser()
    const theirs = await createTag(other.tenant, 'theirs')

    const response = await postForm(client, '/clients', {
      email: 'bad@example.com',
      tagIds: [news.id, theirs.id],
      attributes: {
        company: 'x'.repeat(501),
        seats: 'twelve',
        signed_up: '2026-02-30',
        vip: 'maybe',
        plan: '<script>',
        unknown_key: 'x',
      },
    }).loginAs(user)
    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      'tagIds': ['Choose tags of this workspace'],
      'attributes.company': ['company must be at most 500 characters'],
      'attributes.seats': ['seats must be a number'],
      'attributes.signed_up': ['signed_up must be a date (YYYY-MM-DD)'],
      'attributes.vip': ['vip must be yes or no'],
      'attributes.plan': ['plan must be one of: Free, Pro'],
      'attributes.unknown_key': ['Unknown attribute "unknown_key"'],
    })
    assert.isNull(await Client.query().where('tenant_id', tenant.id).first())
  })

  test('the form shows each error beside its input and keeps what was typed', async ({
    client,
  }) => {
    const { user, tenant } = await createUser()
    const { news } = await definedWorkspace(tenant)

    const response = await client
      .get('/clients/create')
      .withSession({})
      .withFlashMessages({
        email: 'x@example.com',
        tagIds: [String(news.id)],
        attributes: { seats: 'ten' },
        inputErrorsBag: { 'attributes.seats': ['seats must be a number'] },
      })
      .loginAs(user)
    response.assertTextIncludes('data-testid="error-attribute-seats">seats must be a number<')
    response.assertTextIncludes('value="ten"')
    response.assertTextIncludes(`value="${news.id}" id="field-tag-${news.id}" checked`)
  })

  test('edits replace the tags; an emptied input clears its value', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { news, vip, spare } = await definedWorkspace(tenant)
    const [ada] = await createClients(tenant, 1)
    await tagClients(news, [ada])
    await tagClients(spare, [ada])
    // A value of an attribute defined after the form was shown stays.
    await setAttributes(ada, { company: 'Acme', seats: 3, vip: true, later: 'kept' })

    const response = await putForm(client, `/clients/${ada.id}`, {
      email: ada.email,
      fullName: 'Ada',
      tagIds: [vip.id],
      attributes: { company: '', seats: '4', signed_up: '', vip: 'false', plan: '' },
    }).loginAs(user)
    response.assertFlashMessage('success', `${ada.email} is saved.`)
    assert.deepEqual(await tagNamesOf(ada), ['VIP'])
    assert.deepEqual(await attributesOf(ada), { seats: 4, vip: false, later: 'kept' })

    // No box ticked: no tags; "Not set" clears a yes/no.
    await putForm(client, `/clients/${ada.id}`, {
      email: ada.email,
      attributes: { vip: '' },
    }).loginAs(user)
    assert.deepEqual(await tagNamesOf(ada), [])
    assert.deepEqual(await attributesOf(ada), { seats: 4, later: 'kept' })
  })

  test('a refused edit changes nothing, not even the valid fields', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { news } = await definedWorkspace(tenant)
    const [ada] = await createClients(tenant, 1)
    await setAttributes(ada, { seats: 3 })

    const response = await putForm(client, `/clients/${ada.id}`, {
      email: ada.email,
      fullName: 'Changed',
      tagIds: [news.id],
      attributes: { seats: 'many', company: 'Acme' },
    }).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', {
      'attributes.seats': ['seats must be a number'],
    })
    await ada.refresh()
    assert.notEqual(ada.fullName, 'Changed')
    assert.deepEqual(await tagNamesOf(ada), [])
    assert.deepEqual(await attributesOf(ada), { seats: 3 })
  })
})
