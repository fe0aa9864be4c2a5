import { test } from '@japa/runner'
import env from '#start/env'
import { DateTime } from 'luxon'
import AttributeDefinition from '#models/attribute_definition'
import Client from '#models/client'
import Delivery from '#models/delivery'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import Segment from '#models/segment'
import SignupForm from '#models/signup_form'
import Tag from '#models/tag'
import StartRun from '#sending/start_run'
import { addTagsToClients, tagsOfClients } from '#audiences/client_tags'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'
import { postForm } from '#tests/helpers/forms'
import { linkIn } from '#tests/helpers/account_mail'
import { waitUntil } from '#tests/helpers/wait'
import { conditionFields } from '#tests/functional/segments/helpers'
import {
  confirmationLinkFor,
  followConfirmation,
  submitSignup,
} from '#tests/functional/signup_forms/helpers'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import { createEndpoint } from '#tests/functional/webhooks/helpers'

/**
 * Issue 15's "how it will be checked", end to end and with real peers only
 * (the app over HTTP, the worker process, the SMTP sink, a webhook
 * receiver): a workspace defines its attributes and topics in the web
 * pages, a system of theirs pushes clients over the API with tags and
 * attributes, a segment (plan = Gold and tagged vip) is built in the
 * editor, and a daily mailing to it, created in the form, names each
 * client's company. Each occurrence reaches whoever matches when it starts:
 * clients changed over the API in between, and a visitor who signed up on
 * the business's own site, pending (never mailed) until they confirm from
 * the mail. A reader opens the link of a message they received and picks
 * their topics; a receiver hears of it.
 */
const stamp = Date.now().toString(36)
const address = (name: string) => `${name}-${stamp}@example.com`

async function completedRun(mailingId: number) {
  return waitUntil(
    `a completed run of mailing ${mailingId}`,
    () => MailingRun.query().where({ mailing_id: mailingId, status: 'completed' }).first(),
    60_000
  )
}

async function recipientsOf(run: MailingRun) {
  const deliveries = await Delivery.query().where('run_id', run.id).orderBy('email')
  return deliveries.map((delivery) => [delivery.email, delivery.status])
}

function sent(...emails: string[]) {
  return emails.sort().map((email) => [email, 'sent'])
}

/**
 * Starts the mailing's next occurrence as the scheduler would when its
 * time comes, and waits for the worker to send it.
 */
async function runNextOccurrence(mailing: Mailing) {
  await mailing.refresh()
  const run = await StartRun.handle(mailing, mailing.nextRunAt!)
  return waitUntil(
    `run ${run!.id} to complete`,
    () => MailingRun.query().where({ id: run!.id, status: 'completed' }).first(),
    60_000
  )
}

test.group('Audiences: a workspace’s whole journey', () => {
  test('API-pushed clients, an editor-built segment, a daily mailing to it; a third-party sign-up and a reader’s topics', async ({
    client,
    assert,
    cleanup,
  }) => {
    const { user, tenant } = await createUser()
    tenant.name = 'Atelier Vert'
    await tenant.save()
    const receiver = await startReceiver(cleanup)
    const endpoint = await createEndpoint(tenant, receiver.url(), [
      'client.updated',
      'client.subscribed',
    ])

    // 1. The attributes and the topics, in the web pages.
    const definitions = [
      { key: 'company', label: 'Company', type: 'text' },
      { key: 'plan', label: 'Plan', type: 'choice', choices: 'Free\nSilver\nGold' },
      { key: 'first_order', label: 'First order', type: 'date' },
    ]
    for (const fields of definitions) {
      const defined = await postForm(client, '/clients/attributes', fields).loginAs(user)
      defined.assertHeader('location', '/clients/attributes')
    }
    for (const name of ['Recipes', 'Events']) {
      const topic = await postForm(client, '/clients/tags', { name, isTopic: 'true' }).loginAs(user)
      topic.assertHeader('location', '/clients/tags')
    }

    // The workspace's shop pushes its customers over the API.
    const calls = api(client, await createToken(user, ['clients:write']))
    const [ada, grace, linus, margaret, alan] = ['ada', 'grace', 'linus', 'margaret', 'alan'].map(
      address
    )
    const pushed = await calls.post('/clients/bulk', {
      clients: [
        {
          email: ada,
          full_name: 'Ada',
          add_tags: ['vip', 'Recipes'],
          attributes: { company: 'Analytical Engines', plan: 'gold', first_order: '2024-03-01' },
        },
        {
          email: grace,
          full_name: 'Grace',
          add_tags: ['vip'],
          attributes: { company: 'Navy Labs', plan: 'Gold' },
        },
        {
          email: linus,
          full_name: 'Linus',
          add_tags: ['vip'],
          attributes: { company: 'Kernel Co', plan: 'Silver' },
        },
        { email: margaret, attributes: { company: 'Apollo Ltd', plan: 'Gold' } },
        { email: alan, add_tags: ['vip'] },
      ],
    })
    pushed.assertStatus(200)
    assert.deepEqual(
      pushed.body().data.map((item: { status: string }) => item.status),
      ['created', 'created', 'created', 'created', 'created']
    )
    const adaClient = await Client.findByOrFail({ tenantId: tenant.id, email: ada })
    assert.deepEqual(adaClient.attributes, {
      company: 'Analytical Engines',
      plan: 'Gold',
      first_order: '2024-03-01',
    })

    // 2. The segment, in the editor: its preview counts before it is saved.
    const vip = await Tag.findByOrFail({ tenantId: tenant.id, nameKey: 'vip' })
    const segmentFields = {
      name: 'Gold VIPs',
      match: 'all',
      ...conditionFields([
        { field: 'attribute:plan', op: 'eq', value: 'Gold' },
        { field: 'tags', op: 'any', tagIds: [vip.id] },
      ]),
    }
    const preview = await postForm(client, '/segments/editor', {
      ...segmentFields,
      intent: 'preview',
    }).loginAs(user)
    preview.assertStatus(200)
    assert.include(preview.text(), 'data-testid="segment-count" data-preview-count>2<')
    for (const email of [ada, grace]) assert.include(preview.text(), email)
    for (const email of [linus, margaret, alan]) assert.notInclude(preview.text(), email)
    const saved = await postForm(client, '/segments', segmentFields).loginAs(user)
    const segment = await Segment.findByOrFail({ tenantId: tenant.id, name: 'Gold VIPs' })
    saved.assertHeader('location', `/segments/${segment.id}/edit`)

    // 3. The message and a daily mailing to the segment, in their forms.
    const message = await postForm(client, '/messages', {
      subject: 'Garden letter',
      bodyText:
        'Hello {{ client.full_name }} of {{ client.attributes.company }}.\n\nYour choices: {{ unsubscribe_url }}',
      bodyHtml: '',
    }).loginAs(user)
    const messageId = Number(message.header('location')!.split('/').pop())
    const local = (time: DateTime) => time.setZone(tenant.timeZone).toFormat("yyyy-MM-dd'T'HH:mm")
    const created = await postForm(client, '/mailings', {
      name: 'Daily garden letter',
      messageId,
      audience: 'segment',
      segmentId: segment.id,
      periodicity: 'daily',
      startAt: local(DateTime.now().minus({ hours: 1 })),
      endAt: local(DateTime.now().plus({ days: 4 })),
    }).loginAs(user)
    created.assertStatus(302)
    const mailing = await Mailing.findByOrFail({ tenantId: tenant.id, segmentId: segment.id })
    const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    assert.match(page.text(), /data-testid="recipients-count">\s*2 clients match now/)

    // Its window is open: the scheduler starts the first occurrence, the
    // worker sends it, each with their company.
    const first = await completedRun(mailing.id)
    assert.deepEqual(await recipientsOf(first), sent(ada, grace))
    const adaMail = await smtp.waitForMailTo(ada, 'Garden letter')
    assert.include(adaMail.parsed.text, 'Hello Ada of Analytical Engines.')
    const graceMail = await smtp.waitForMailTo(grace, 'Garden letter')
    assert.include(graceMail.parsed.text, 'Hello Grace of Navy Labs.')
    for (const email of [linus, margaret, alan]) assert.lengthOf(smtp.messagesTo(email), 0)

    // 5. Ada opens the link of the message she received and picks her topics.
    const preferences = linkIn(adaMail.parsed.text, '/u/')
    const choices = await client.get(preferences)
    choices.assertStatus(200)
    choices.assertTextIncludes('Your subscription to Atelier Vert')
    const [recipes, events] = await Promise.all(
      ['recipes', 'events'].map((nameKey) => Tag.findByOrFail({ tenantId: tenant.id, nameKey }))
    )
    assert.match(
      choices.text(),
      new RegExp(`name="topics\\[\\]" value="${recipes.id}"[^>]*checked`)
    )
    assert.notMatch(choices.text(), new RegExp(`value="${events.id}"[^>]*checked`))
    const chosen = await client
      .post(`${preferences}/topics`)
      .form({ 'topics[]': [events.id] })
      .redirects(0)
    chosen.assertStatus(303)
    const adaTags = await tagsOfClients([adaClient.id])
    assert.deepEqual(
      adaTags.get(adaClient.id)?.map((tag) => tag.name),
      ['Events', 'vip']
    )
    await waitUntil('client.updated at the receiver', async () => receiver.received.length >= 1)
    const [updated] = receiver.verified(endpoint.secret)
    assert.equal(updated.type, 'client.updated')
    assert.deepInclude(updated.data, {
      client_id: adaClient.id,
      email: ada,
      tags: ['Events', 'vip'],
      changes: { tags: { added: ['Events'], removed: ['Recipes'] } },
      source: 'preference_page',
    })

    // 4. A visitor signs up on the business's own site: the form is made in
    // the editor, the page pasted its snippet, the browser posts it across
    // sites (no cookie, no CSRF token).
    const [plan, company] = await Promise.all(
      ['plan', 'company'].map((key) =>
        AttributeDefinition.findByOrFail({ tenantId: tenant.id, key })
      )
    )
    const formCreated = await postForm(client, '/clients/forms', {
      'name': 'Shop footer',
      'title': 'Our garden letter',
      'askName': '1',
      'tags': 'vip',
      'attributes[0][id]': plan.id,
      'attributes[0][asked]': '1',
      'attributes[0][required]': '1',
      'attributes[0][position]': '1',
      'attributes[1][id]': company.id,
      'attributes[1][asked]': '1',
      'attributes[1][position]': '2',
      'consentText': 'I agree to receive the garden letter.',
      'successText': 'Almost there: check your inbox.',
      'confirmedText': 'Welcome to the garden letter!',
      'confirmationSubject': 'Confirm your garden letter',
      'confirmationBody': 'Confirm here: {{ confirm_url }}',
      'enabled': '1',
    }).loginAs(user)
    const form = await SignupForm.findByOrFail({ tenantId: tenant.id, name: 'Shop footer' })
    formCreated.assertHeader('location', `/clients/forms/${form.id}/edit`)
    const snippet = await client.get(`/clients/forms/${form.id}/edit`).loginAs(user)
    snippet.assertTextIncludes(
      `&lt;form method=&quot;post&quot; action=&quot;${env.get('APP_URL')}/f/${form.publicToken}&quot;`
    )
    snippet.assertTextIncludes('name=&quot;attributes[plan]&quot;')
    const visitor = address('visitor')
    const signup = await submitSignup(client, form, {
      'email': visitor,
      'name': 'Vera',
      'attributes[plan]': 'Gold',
      'attributes[company]': 'Seed Savers',
      'website': '',
    })
      .header('Origin', 'https://shop.atelier-vert.example')
      .header('Referer', 'https://shop.atelier-vert.example/newsletter')
    signup.assertStatus(200)
    signup.assertTextIncludes('Almost there: check your inbox.')
    // The worker records the sign-up (the request only queues it).
    const pending = await waitUntil('the visitor’s pending client', () =>
      Client.findBy({ tenantId: tenant.id, email: visitor })
    )
    assert.equal(pending.state, 'pending')

    // Between the occurrences the shop's sync says Grace is no VIP any more
    // and Linus moved to Gold.
    const changed = await calls.post('/clients/bulk', {
      clients: [
        { email: grace, remove_tags: ['VIP'] },
        { email: linus, attributes: { plan: 'Gold' } },
      ],
    })
    assert.deepEqual(
      changed.body().data.map((item: { status: string }) => item.status),
      ['updated', 'updated']
    )
    // The visitor is made a Gold VIP straight in the database, so they match
    // the segment while still pending. The business would not do this: any
    // write of theirs naming the address (import, API, edit form) vouches
    // for the visitor's consent and subscribes them (the end of this test).
    await addTagsToClients([vip.id], [pending.id])
    pending.attributes = { ...pending.attributes, plan: 'Gold' }
    await pending.save()
    await pending.refresh()
    assert.equal(pending.state, 'pending')
    // The segment counts them; the mailing, which never mails a pending
    // client, does not.
    const count = await client.get(`/segments/${segment.id}/count`).loginAs(user)
    assert.deepEqual(count.body(), { count: 3 })
    const matching = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    assert.match(matching.text(), /data-testid="recipients-count">\s*2 clients match now/)

    // The second occurrence: Ada and Linus; not Grace, not the pending visitor.
    const second = await runNextOccurrence(mailing)
    assert.deepEqual(await recipientsOf(second), sent(ada, linus))
    const linusMail = await smtp.waitForMailTo(linus, 'Garden letter')
    assert.include(linusMail.parsed.text, 'Hello Linus of Kernel Co.')
    assert.lengthOf(smtp.messagesTo(ada), 2)
    assert.lengthOf(smtp.messagesTo(grace), 1)

    // The visitor confirms from the mail: subscribed, with the form's tag
    // and their answers; a receiver hears of it.
    const { link } = await confirmationLinkFor(visitor, 'Confirm your garden letter')
    assert.lengthOf(smtp.messagesTo(visitor), 1)
    const { page: confirmPage, confirmed } = await followConfirmation(client, link)
    confirmPage.assertStatus(200)
    confirmed.assertStatus(200)
    confirmed.assertTextIncludes('Welcome to the garden letter!')
    const subscriber = await Client.findOrFail(pending.id)
    assert.equal(subscriber.state, 'subscribed')
    assert.deepEqual(subscriber.attributes, { plan: 'Gold', company: 'Seed Savers' })
    const visitorTags = await tagsOfClients([subscriber.id])
    assert.deepEqual(
      visitorTags.get(subscriber.id)?.map((tag) => tag.name),
      ['vip']
    )
    await waitUntil('client.subscribed at the receiver', async () => receiver.received.length >= 2)
    const subscribed = receiver
      .verified(endpoint.secret)
      .find((event) => event.type === 'client.subscribed')!
    assert.deepInclude(subscribed.data, { client_id: subscriber.id, email: visitor, tags: ['vip'] })

    // The third occurrence reaches them too.
    const third = await runNextOccurrence(mailing)
    assert.deepEqual(await recipientsOf(third), sent(ada, linus, visitor))
    const welcome = await smtp.waitForMailTo(visitor, 'Garden letter')
    assert.include(welcome.parsed.text, 'Hello Vera of Seed Savers.')
    assert.lengthOf(smtp.messagesTo(grace), 1)
    for (const email of [margaret, alan]) assert.lengthOf(smtp.messagesTo(email), 0)

    // A stranger signs a real customer of the shop up, who never confirms;
    // the shop's next sync names them: that subscribes them (the business
    // vouches for them, as for any client it pushes), instead of leaving
    // them pending, and unmailed, for good.
    const customer = address('customer')
    const stranger = await submitSignup(client, form, {
      'email': customer,
      'name': 'Someone',
      'attributes[plan]': 'Free',
      'attributes[company]': 'Prank Ltd',
      'website': '',
    })
    stranger.assertStatus(200)
    const signedUp = await waitUntil('the customer’s pending client', () =>
      Client.findBy({ tenantId: tenant.id, email: customer })
    )
    assert.equal(signedUp.state, 'pending')
    const synced = await calls.post('/clients/bulk', { clients: [{ email: customer }] })
    assert.deepInclude(synced.body().data[0], { status: 'updated', id: signedUp.id })
    await signedUp.refresh()
    assert.equal(signedUp.state, 'subscribed')
  }).timeout(180_000)
})
