import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import AttributeDefinition from '#models/attribute_definition'
import { MAX_ATTRIBUTES_PER_WORKSPACE } from '#audiences/attribute_definitions'
import { createUser } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import {
  attributesOf,
  createAttribute,
  createSignupForm,
  segmentOnAttribute,
  setAttributes,
} from '#tests/functional/clients/audience_helpers'
import { sqlTime } from '#services/database/sql_time'

async function definitionsOf(tenantId: number) {
  return AttributeDefinition.query().where('tenant_id', tenantId).orderBy('key')
}

test.group('Attributes: define', () => {
  test('adds an attribute of each type; choices only for a choice', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const forms = [
      { key: 'company', label: 'Company', type: 'text', choices: 'ignored' },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'signed_up', label: 'Signed up', type: 'date' },
      { key: 'vip', label: 'VIP', type: 'boolean' },
      { key: 'plan', label: 'Plan', type: 'choice', choices: ' Free \r\nPro\n\n Enterprise ' },
    ]
    for (const form of forms) {
      const response = await postForm(client, '/clients/attributes', form).loginAs(user)
      response.assertHeader('location', '/clients/attributes')
      response.assertFlashMessage(
        'success',
        `The attribute “${form.label}” is added to the client form.`
      )
    }
    const saved = await definitionsOf(tenant.id)
    assert.deepEqual(
      saved.map((definition) => [definition.key, definition.type, definition.choices]),
      [
        ['company', 'text', null],
        ['plan', 'choice', ['Free', 'Pro', 'Enterprise']],
        ['seats', 'number', null],
        ['signed_up', 'date', null],
        ['vip', 'boolean', null],
      ]
    )

    const list = await client.get('/clients/attributes').loginAs(user)
    list.assertTextIncludes('<code>signed_up</code>')
    list.assertTextIncludes('Free, Pro, Enterprise')
    const create = await client.get('/clients/attributes/create').loginAs(user)
    create.assertStatus(200)
  })

  test('refuses bad keys, labels, types and choice lists, beside each field', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createAttribute(tenant, 'company', 'text')
    const other = await createUser()
    await createAttribute(other.tenant, 'theirs', 'text')

    const keyRule =
      'Start with a lower-case letter, then lower-case letters, digits or underscores (at most 40), e.g. "company" or "signed_up"'
    const cases: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ key: 'Company', label: 'C', type: 'text' }, { key: [keyRule] }],
      [{ key: '1st', label: 'C', type: 'text' }, { key: [keyRule] }],
      [{ key: 'a'.repeat(41), label: 'C', type: 'text' }, { key: [keyRule] }],
      [{ key: `x'); DROP TABLE clients; --`, label: 'C', type: 'text' }, { key: [keyRule] }],
      // A name every object has: it would read as a function on clients without a value.
      [
        { key: 'constructor', label: 'C', type: 'text' },
        { key: ['"constructor" is a reserved word: choose another key'] },
      ],
      [
        { key: 'company', label: 'C', type: 'text' },
        { key: ['Your workspace already has an attribute with this key'] },
      ],
      [
        { key: 'ok', label: '', type: 'money' },
        {
          label: ['Please fill in the label'],
          type: ['The type must be one of: text,number,date,boolean,choice'],
        },
      ],
      [
        { key: 'ok', label: 'x'.repeat(101), type: 'text' },
        { label: ['The label must be at most 100 characters long'] },
      ],
      [
        { key: 'plan', label: 'Plan', type: 'choice' },
        { choices: ['List the choices, one per line'] },
      ],
      [
        { key: 'plan', label: 'Plan', type: 'choice', choices: '\n \n' },
        { choices: ['List the choices, one per line'] },
      ],
      [
        { key: 'plan', label: 'Plan', type: 'choice', choices: 'Gold\nSilver\ngold' },
        { choices: ['“gold” is listed twice'] },
      ],
      [
        {
          key: 'plan',
          label: 'Plan',
          type: 'choice',
          choices: Array.from({ length: 51 }, (_, i) => `c${i}`).join('\n'),
        },
        { choices: ['List at most 50 choices'] },
      ],
      [
        { key: 'plan', label: 'Plan', type: 'choice', choices: `ok\n${'x'.repeat(101)}` },
        { choices: ['Each choice must be at most 100 characters long'] },
      ],
    ]
    for (const [form, errors] of cases) {
      const response = await postForm(client, '/clients/attributes', form).loginAs(user)
      response.assertStatus(302)
      response.assertFlashMessage('inputErrorsBag', errors)
    }
    // Another workspace's key is free here.
    const free = await postForm(client, '/clients/attributes', {
      key: 'theirs',
      label: 'Mine too',
      type: 'number',
    }).loginAs(user)
    free.assertFlashMessage('success', 'The attribute “Mine too” is added to the client form.')
    const keys = await definitionsOf(tenant.id)
    assert.deepEqual(
      keys.map((definition) => definition.key),
      ['company', 'theirs']
    )
  })

  test(`refuses an attribute past ${MAX_ATTRIBUTES_PER_WORKSPACE} per workspace`, async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const now = sqlTime()
    await db.table('attribute_definitions').multiInsert(
      Array.from({ length: MAX_ATTRIBUTES_PER_WORKSPACE }, (_, i) => ({
        tenant_id: tenant.id,
        key: `field_${i}`,
        label: `Field ${i}`,
        type: 'text',
        created_at: now,
        updated_at: now,
      }))
    )
    const response = await postForm(client, '/clients/attributes', {
      key: 'one_more',
      label: 'One more',
      type: 'text',
    }).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', {
      key: [`A workspace has at most ${MAX_ATTRIBUTES_PER_WORKSPACE} attributes`],
    })
    assert.lengthOf(await definitionsOf(tenant.id), MAX_ATTRIBUTES_PER_WORKSPACE)
  })
})

test.group('Attributes: edit', () => {
  test('changes the label; the key and type stay as created', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const definition = await createAttribute(tenant, 'company', 'text')

    const edit = await client.get(`/clients/attributes/${definition.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    edit.assertTextIncludes('<code>company</code>')

    const response = await putForm(client, `/clients/attributes/${definition.id}`, {
      label: 'Company name',
      key: 'renamed',
      type: 'number',
    }).loginAs(user)
    response.assertFlashMessage('success', 'The attribute “Company name” is saved.')
    await definition.refresh()
    assert.equal(definition.label, 'Company name')
    assert.equal(definition.key, 'company')
    assert.equal(definition.type, 'text')
  })

  test('a choice list change never leaves invalid values behind silently', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const plan = await createAttribute(tenant, 'plan', 'choice', ['free', 'pro', 'legacy'])
    const [onFree, onPro, onLegacy, onNothing] = await createClients(tenant, 4)
    await setAttributes(onFree, { plan: 'free', company: 'Acme' })
    await setAttributes(onPro, { plan: 'pro' })
    await setAttributes(onLegacy, { plan: 'legacy', company: 'Old Co' })
    await setAttributes(onNothing, { company: 'None' })
    // Another workspace's clients with the same key and value are not touched.
    const other = await createUser()
    const [theirs] = await createClients(other.tenant, 1)
    await setAttributes(theirs, { plan: 'legacy' })

    // Removing a choice a client holds needs a confirmation.
    const refused = await putForm(client, `/clients/attributes/${plan.id}`, {
      label: 'Plan',
      choices: 'Free\npro',
    }).loginAs(user)
    refused.assertFlashMessage('inputErrorsBag', {
      choices: [
        '1 client has a choice you removed (“legacy”). Keep it, or tick “Clear the removed choices from clients” to save anyway.',
      ],
    })
    await plan.refresh()
    assert.deepEqual(plan.choices, ['free', 'pro', 'legacy'])

    const confirmed = await putForm(client, `/clients/attributes/${plan.id}`, {
      label: 'Plan',
      choices: 'Free\npro\nteam',
      clearRemoved: 'true',
    }).loginAs(user)
    confirmed.assertFlashMessage('success', 'The attribute “Plan” is saved.')
    await plan.refresh()
    assert.deepEqual(plan.choices, ['Free', 'pro', 'team'])
    // A new spelling follows into the values; a removed choice is cleared.
    assert.deepEqual(await attributesOf(onFree), { plan: 'Free', company: 'Acme' })
    assert.deepEqual(await attributesOf(onPro), { plan: 'pro' })
    assert.deepEqual(await attributesOf(onLegacy), { company: 'Old Co' })
    assert.deepEqual(await attributesOf(onNothing), { company: 'None' })
    assert.deepEqual(await attributesOf(theirs), { plan: 'legacy' })

    // Removing a choice nobody holds needs nothing more.
    const unused = await putForm(client, `/clients/attributes/${plan.id}`, {
      label: 'Plan',
      choices: 'Free\npro',
    }).loginAs(user)
    unused.assertFlashMessage('success', 'The attribute “Plan” is saved.')

    const empty = await putForm(client, `/clients/attributes/${plan.id}`, {
      label: 'Plan',
      choices: '',
    }).loginAs(user)
    empty.assertFlashMessage('inputErrorsBag', { choices: ['List the choices, one per line'] })
  })
})

test.group('Attributes: delete', () => {
  test('deletes an attribute and clears its values from the workspace’s clients', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const company = await createAttribute(tenant, 'company', 'text')
    await createAttribute(tenant, 'seats', 'number')
    const [a, b, c] = await createClients(tenant, 3)
    await setAttributes(a, { company: 'Acme', seats: 3 })
    await setAttributes(b, { company: 'Initech' })
    await setAttributes(c, { seats: 1 })
    const other = await createUser()
    await createAttribute(other.tenant, 'company', 'text')
    const [theirs] = await createClients(other.tenant, 1)
    await setAttributes(theirs, { company: 'Theirs' })

    const response = await deleteForm(client, `/clients/attributes/${company.id}`).loginAs(user)
    response.assertHeader('location', '/clients/attributes')
    response.assertFlashMessage(
      'success',
      'The attribute “company” is deleted, and its value is cleared from 2 clients.'
    )
    assert.isNull(await AttributeDefinition.find(company.id))
    assert.deepEqual(await attributesOf(a), { seats: 3 })
    assert.deepEqual(await attributesOf(b), {})
    assert.deepEqual(await attributesOf(c), { seats: 1 })
    assert.deepEqual(await attributesOf(theirs), { company: 'Theirs' })
  })

  test('refuses to delete an attribute a sign-up form or a segment uses', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const company = await createAttribute(tenant, 'company', 'text')
    const form = await createSignupForm(tenant, 'Newsletter')
    await db.table('signup_form_attributes').insert({
      signup_form_id: form.id,
      attribute_definition_id: company.id,
      is_required: false,
      position: 0,
    })
    await segmentOnAttribute(tenant, 'company', 'Companies')
    const [a] = await createClients(tenant, 1)
    await setAttributes(a, { company: 'Acme' })

    const edit = await client.get(`/clients/attributes/${company.id}/edit`).loginAs(user)
    edit.assertTextIncludes('data-testid="attribute-used-by"')

    const response = await deleteForm(client, `/clients/attributes/${company.id}`).loginAs(user)
    response.assertHeader('location', `/clients/attributes/${company.id}/edit`)
    response.assertFlashMessage(
      'error',
      'The attribute “company” cannot be deleted: it is used by the sign-up form “Newsletter” and the segment “Companies”. Take it out of them first.'
    )
    assert.isNotNull(await AttributeDefinition.find(company.id))
    assert.deepEqual(await attributesOf(a), { company: 'Acme' })
  })
  test('refuses to delete an attribute a message renders, naming the messages', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const company = await createAttribute(tenant, 'company', 'text')
    const size = await createAttribute(tenant, 'company_size', 'number')
    await tenant.related('messages').createMany([
      { subject: 'Hello {{ client.attributes.company }}', bodyText: 'Hi' },
      { subject: 'Offer', bodyText: 'Hi', bodyHtml: '<p>For {{client.attributes.company}}</p>' },
      // Only a longer key, and the words outside a placeholder: neither uses it.
      {
        subject: 'Sizes',
        bodyText: '{{ client.attributes.company_size }} client.attributes.company',
      },
    ])

    const edit = await client.get(`/clients/attributes/${company.id}/edit`).loginAs(user)
    edit.assertTextIncludes('Message “Offer”')

    const response = await deleteForm(client, `/clients/attributes/${company.id}`).loginAs(user)
    response.assertFlashMessage(
      'error',
      'The attribute “company” cannot be deleted: it is used by the message “Hello {{ client.attributes.company }}” and the message “Offer”. Take it out of them first.'
    )
    assert.isNotNull(await AttributeDefinition.find(company.id))

    const other = await createAttribute(tenant, 'city', 'text')
    const deleted = await deleteForm(client, `/clients/attributes/${other.id}`).loginAs(user)
    deleted.assertFlashMessage('success', 'The attribute “city” is deleted.')
    assert.isNotNull(await AttributeDefinition.find(size.id))
  })
})
