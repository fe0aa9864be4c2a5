import { test } from '@japa/runner'
import nodemailer from 'nodemailer'
import { compileMessage, type MessageTemplate } from '#sending/message_renderer'
import { mailOf } from '#sending/send_delivery'
import { transferEncodingOf } from '#sending/text_encoding'
import type { ClaimedDelivery } from '#sending/delivery_claims'

/**
 * The message as nodemailer writes it, with what varies between two builds
 * of the same mail (the MIME boundaries and the date) made constant.
 */
async function wire(mail: nodemailer.SendMailOptions) {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true })
  const info = await transport.sendMail({ ...mail, date: new Date('2026-12-05T12:00:00Z') })
  return (info.message as Buffer).toString().replace(/_NmP-[0-9a-f]+-Part_/g, '_BOUNDARY_')
}

const delivery = (id: number, fullName: string): ClaimedDelivery => ({
  id,
  runId: 1,
  tenantId: 1,
  clientId: null,
  email: `client.${id}@example.com`,
  fullName,
  attempts: 0,
  claim: { token: 1, at: 0 },
})

const sender = { from: { name: 'News', address: 'news@mailings.test' }, viaOperator: false }

/**
 * The engine's mail for a recipient (mailOf, with the parts' encodings the
 * batch decided), and the same mail with the parts as plain strings, for
 * nodemailer to decide as it does by itself.
 */
function mailsFor(render: ReturnType<typeof compileMessage>, recipient: ClaimedDelivery) {
  const rendered = render({
    client: { full_name: recipient.fullName, email: recipient.email },
    unsubscribe_url: '',
  })
  const smtp = { from: 'bounces@mailings.test', to: recipient.email }
  const engine = mailOf(recipient, { rendered, headers: {}, smtp }, sender)
  return { engine, nodemailerAlone: { ...engine, text: rendered.text, html: rendered.html! } }
}

const LINK = `https://mailings.test/u/${'a'.repeat(90)}`

/**
 * Messages whose parts nodemailer must encode (long lines, characters past
 * ASCII) or sends as they are, and what goes on the wire for the text part.
 */
const MESSAGES: { name: string; message: MessageTemplate; text: string }[] = [
  {
    name: 'an English newsletter',
    message: {
      subject: 'News',
      bodyText: `Dear {{ client.full_name }}, café ${LINK}`,
      bodyHtml: '<p>café</p>',
    },
    text: 'quoted-printable',
  },
  {
    name: 'a Russian one',
    message: {
      subject: 'Новости',
      bodyText: `Дорогая {{ client.full_name }}, новости недели: ${'н'.repeat(90)}`,
      bodyHtml: '<p>Новости недели</p>',
    },
    text: 'base64',
  },
  {
    name: 'a Japanese one',
    message: {
      subject: 'お知らせ',
      bodyText: 'お知らせ：今週のニュースです。',
      bodyHtml: '<p>お知らせ：今週のニュースです。</p>',
    },
    text: 'base64',
  },
  {
    name: 'plain ASCII in short lines',
    message: { subject: 'News', bodyText: 'Dear {{ client.full_name }},\nnews.\n', bodyHtml: null },
    text: '7bit',
  },
  {
    name: 'emoji only',
    message: { subject: '🎉', bodyText: '🎉🎉🎉', bodyHtml: '<p>🎉🎉🎉</p>' },
    text: 'base64',
  },
]

test.group('Text encoding: decided once per batch, as nodemailer decides per message', () => {
  test('{name}: the same bytes on the wire')
    .with(MESSAGES)
    .run(async ({ assert }, { message, text }) => {
      const render = compileMessage(message)
      for (const recipient of [delivery(1, 'Ada Lovelace'), delivery(2, 'Grace Hopper')]) {
        const { engine, nodemailerAlone } = mailsFor(render, recipient)
        const sent = await wire(engine)
        assert.equal(sent, await wire(nodemailerAlone))
        assert.include(sent, `Content-Transfer-Encoding: ${text}`)
        // Decided beforehand wherever nodemailer would have had to count.
        if (text !== '7bit') assert.propertyVal(engine.text, 'contentTransferEncoding', text)
        else assert.isString(engine.text)
      }
    })

  test('the first message decides for the batch: later ones are encoded its way', async ({
    assert,
  }) => {
    const render = compileMessage({
      subject: 'Hi',
      bodyText: '{{ client.full_name }}',
      bodyHtml: null,
    })
    mailsFor(render, delivery(1, 'Ada Lovelace'))
    const cyrillic = mailsFor(render, delivery(2, 'Сергей Королёв'))
    // 7bit for the first: nodemailer keeps deciding, and encodes the second.
    assert.include(await wire(cyrillic.engine), 'Content-Transfer-Encoding: base64')

    const latinFirst = compileMessage({
      subject: 'Hi',
      bodyText: `{{ client.full_name }} ${LINK}`,
      bodyHtml: null,
    })
    mailsFor(latinFirst, delivery(1, 'Ada Lovelace'))
    const later = mailsFor(latinFirst, delivery(2, 'Сергей Королёв'))
    // Quoted-printable, as decided by Ada's: valid, if a little longer.
    const sent = await wire(later.engine)
    assert.include(sent, 'Content-Transfer-Encoding: quoted-printable')
    assert.include(sent, '=D0=A1=D0=B5=D1=80=D0=B3=D0=B5=D0=B9')
  })

  test('a later message whose text renders empty is sent as nodemailer sends it', async ({
    assert,
  }) => {
    const render = compileMessage({
      subject: 'Hi',
      bodyText: '{{ client.full_name }}',
      bodyHtml: '<p>Hello</p>',
    })
    // José decides quoted-printable for the text part; the next client has no name.
    mailsFor(render, delivery(1, 'José'))
    const { engine, nodemailerAlone } = mailsFor(render, delivery(2, ''))
    assert.equal(await wire(engine), await wire(nodemailerAlone))
  })

  test('counts as nodemailer does: tabs and line breaks are neither', ({ assert }) => {
    const long = 'x'.repeat(80)
    assert.equal(transferEncodingOf(`\t\r\n\t\r\nab ${long}`), 'quoted-printable')
    assert.equal(transferEncodingOf('\u0001\u0002a'), 'base64')
    assert.isUndefined(transferEncodingOf('short plain lines\nonly'))
    assert.isUndefined(transferEncodingOf(null))
  })
})
