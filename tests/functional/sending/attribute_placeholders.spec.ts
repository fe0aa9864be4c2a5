import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import MailingRun from '#models/mailing_run'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { defineAttributes } from '#tests/helpers/client_audience'

test.group('Sending: attribute placeholders', () => {
  test('each recipient gets their own attributes, escaped in HTML, in a real send', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const stamp = Date.now().toString(36)
    const [ada, bob, cy] = await tenant.related('clients').createMany([
      {
        email: `ada-${stamp}@example.com`,
        fullName: 'Ada',
        attributes: { company: '<b>Engines</b> & "Co"', paying: true, seats: 12, plan: 'Pro' },
      },
      { email: `bob-${stamp}@example.com`, fullName: 'Bob', attributes: { paying: false } },
      // Changed after the mailing was made: the send reads it as it is then.
      { email: `cy-${stamp}@example.com`, fullName: 'Cy' },
    ])
    const message = await tenant.related('messages').create({
      subject: 'Plan {{ client.attributes.plan }} for {{ client.attributes.company }}',
      bodyText:
        'Company: {{ client.attributes.company }}; paying: {{ client.attributes.paying }}; ' +
        'seats: {{ client.attributes.seats }}. Leave: {{ unsubscribe_url }}',
      bodyHtml: '<p>{{ client.attributes.company }} ({{ client.attributes.seats }})</p>',
    })
    const mailing = await createOpenMailing(user, message, { name: 'Attributes', nextRunAt: null })
    cy.attributes = { company: 'Cy Corp', seats: 0 }
    await cy.save()
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await waitUntil(`the run of mailing ${mailing.id} to complete`, () =>
      MailingRun.query().where({ mailing_id: mailing.id, status: 'completed' }).first()
    )
    assert.equal(run.sent, 3)

    const [toAda] = smtp.messagesTo(ada.email)
    assert.equal(toAda.parsed.subject, 'Plan Pro for <b>Engines</b> & "Co"')
    assert.include(
      toAda.parsed.text ?? '',
      'Company: <b>Engines</b> & "Co"; paying: yes; seats: 12.'
    )
    assert.include(
      toAda.parsed.html || '',
      '<p>&lt;b&gt;Engines&lt;/b&gt; &amp; &quot;Co&quot; (12)</p>'
    )
    assert.notInclude(toAda.parsed.html || '', '<b>Engines')

    const [toBob] = smtp.messagesTo(bob.email)
    assert.equal(toBob.parsed.subject, 'Plan  for')
    assert.include(toBob.parsed.text ?? '', 'Company: ; paying: no; seats: .')

    const [toCy] = smtp.messagesTo(cy.email)
    assert.include(toCy.parsed.text ?? '', 'Company: Cy Corp; paying: ; seats: 0.')
  })
})
