import { test } from '@japa/runner'
import Message from '#models/message'
import AttributeDefinition from '#models/attribute_definition'
import { createUser } from '#tests/helpers/users'
import { postForm } from '#tests/helpers/forms'
import { api, createToken } from '#tests/helpers/api'
import { createMessage } from '#tests/functional/messages/helpers'
import { defineAttributes } from '#tests/helpers/client_audience'

const ALLOWED =
  'Use {{ client.full_name }}, {{ client.email }}, {{ client.attributes.company }}, ' +
  '{{ client.attributes.paying }}, {{ client.attributes.plan }}, ' +
  '{{ client.attributes.renewal }}, {{ client.attributes.seats }} or {{ unsubscribe_url }}.'

test.group('Messages: attribute placeholders', () => {
  test('the form lists the workspace’s attribute placeholders', async ({ client }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const response = await client.get('/messages/create').loginAs(user)
    response.assertTextIncludes('&#123;&#123; client.attributes.company &#125;&#125;')
    response.assertTextIncludes('&#123;&#123; client.attributes.seats &#125;&#125;')
  })

  test('saves attribute placeholders of the workspace; unknown ones are named beside the field', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    // Another workspace's attribute is not one of ours.
    const other = await createUser()
    await defineAttributes(other.tenant, [{ key: 'theirs', label: 'Theirs', type: 'text' }])

    const refused = await postForm(client, '/messages', {
      subject: 'Hi {{ client.attributes.theirs }}',
      bodyText: 'From {{ client.attributes.company }} {{ client.attributes.Company }}',
      bodyHtml: '<a href="{{ client.attributes.company }}">site</a>',
    }).loginAs(user)
    refused.assertFlashMessage('inputErrorsBag', {
      subject: [`Unknown placeholder {{ client.attributes.theirs }}. ${ALLOWED}`],
      bodyText: [`Unknown placeholder {{ client.attributes.Company }}. ${ALLOWED}`],
      bodyHtml: [
        '{{ client.attributes.company }} cannot start a link or image address: a client could turn it into any link. Put it in the text, or after "https://…" or "mailto:".',
      ],
    })
    assert.lengthOf(await Message.query().where('tenant_id', tenant.id), 0)

    const saved = await postForm(client, '/messages', {
      subject: 'News for {{client.attributes.company}}',
      bodyText: 'Seats: {{ client.attributes.seats }}',
    }).loginAs(user)
    saved.assertStatus(302)
    assert.lengthOf(await Message.query().where('tenant_id', tenant.id), 1)
  })

  test('the API refuses an unknown attribute placeholder the same way', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const calls = api(client, await createToken(user))

    const refused = await calls.post('/messages', {
      subject: 'Hi',
      body_text: 'Dear {{ client.attributes.nickname }}',
    })
    refused.assertStatus(422)
    assert.deepEqual(refused.body().errors, [
      {
        field: 'body_text',
        rule: 'placeholders.unknown',
        message: `Unknown placeholder {{ client.attributes.nickname }}. ${ALLOWED}`,
      },
    ])

    const saved = await calls.post('/messages', {
      subject: 'Hi {{ client.attributes.company }}',
      body_text: 'Plan {{ client.attributes.plan }}',
    })
    saved.assertStatus(201)
  })

  test('the preview shows a client’s attributes, escaped; a deleted attribute is reported', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const recipient = await tenant.related('clients').create({
      email: 'ada@example.com',
      fullName: 'Ada',
      attributes: { company: '<b>Engines</b> & Co', paying: true, seats: 12 },
    })
    const message = await createMessage(tenant, {
      subject: 'For {{ client.attributes.company }}',
      bodyText: 'Paying: {{ client.attributes.paying }}, seats {{ client.attributes.seats }}.',
      bodyHtml: '<p>{{ client.attributes.company }} / {{ client.attributes.plan }}!</p>',
    })

    const page = await client
      .get(`/messages/${message.id}`)
      .qs({ clientId: recipient.id })
      .loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('For &lt;b&gt;Engines&lt;/b&gt; &amp; Co')
    page.assertTextIncludes('Paying: yes, seats 12.')
    assert.notInclude(page.text(), 'data-testid="preview-unknown-placeholders"')

    const html = await client
      .get(`/messages/${message.id}/preview`)
      .qs({ clientId: recipient.id })
      .loginAs(user)
    html.assertTextIncludes('<p>&lt;b&gt;Engines&lt;/b&gt; &amp; Co / !</p>')

    // The example client has no attributes: empty values.
    const example = await client.get(`/messages/${message.id}`).loginAs(user)
    example.assertTextIncludes('Paying: , seats .')

    await AttributeDefinition.query().where({ tenant_id: tenant.id, key: 'seats' }).delete()
    const afterDelete = await client
      .get(`/messages/${message.id}`)
      .qs({ clientId: recipient.id })
      .loginAs(user)
    afterDelete.assertStatus(200)
    afterDelete.assertTextIncludes('data-testid="preview-unknown-placeholders"')
    afterDelete.assertTextIncludes('{{ client.attributes.seats }}: no attribute')
  })
})
