import { test } from '@japa/runner'
import { parseBounceMessage } from '#bounces/parse_bounce'
import { bounceToken, deliveryIdFromBounceToken, tokenOfBounceAddress } from '#bounces/verp'
import { arfMessage, dsnMessage } from '#tests/helpers/bounce_messages'

const token = 'abcdefghijklmnopqrstuvwxyz'
const original = {
  returnPath: `bounces+${token}@bounces.mailings.test`,
  recipient: 'Anna@Example.com',
  messageId: '<delivery-42@localhost>',
}

test.group('Bounce parsing', () => {
  test('a hard-bounce DSN: kind, status, recipient, diagnostic, token and Message-ID', ({
    assert,
  }) => {
    assert.deepEqual(parseBounceMessage(Buffer.from(dsnMessage(original))), {
      kind: 'hard',
      token,
      recipient: 'anna@example.com',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <Anna@Example.com>: Recipient address rejected: User unknown',
      messageId: '<delivery-42@localhost>',
    })
  })

  test('{title}')
    .with([
      {
        title: '4.x.x with Action failed is a soft bounce',
        action: 'failed',
        status: '4.2.2',
        kind: 'soft',
      },
      { title: 'Action delayed is only news', action: 'delayed', status: '4.4.1', kind: 'delayed' },
      { title: 'Action delivered is no bounce', action: 'delivered', status: '2.0.0', kind: null },
      { title: '5.7.1 policy refusal is soft', action: 'failed', status: '5.7.1', kind: 'soft' },
    ])
    .run(({ assert }, { action, status, kind }) => {
      const parsed = parseBounceMessage(dsnMessage(original, { action, status }))
      assert.equal(parsed.kind, kind)
    })

  test('the envelope recipient names the token first; folded case is fine', ({ assert }) => {
    const other = 'zyxwvutsrqponmlkjihgfedcba'
    const parsed = parseBounceMessage(dsnMessage(original, { to: 'someone@else.test' }), {
      envelopeTo: [`BOUNCES+${other.toUpperCase()}@bounces.mailings.test`],
    })
    assert.equal(parsed.token, other)
  })

  test('without a To, the token comes from the quoted Return-Path', ({ assert }) => {
    const parsed = parseBounceMessage(dsnMessage(original, { to: 'postmaster@mailings.test' }))
    assert.equal(parsed.token, token)
  })

  test('an ARF report is a complaint with its feedback type', ({ assert }) => {
    const parsed = parseBounceMessage(arfMessage(original, { to: 'bounces@bounces.mailings.test' }))
    assert.include(parsed, {
      kind: 'complaint',
      token,
      recipient: 'anna@example.com',
      diagnostic: 'abuse',
      messageId: '<delivery-42@localhost>',
    })
    assert.isNull(parseBounceMessage(arfMessage(original, { feedbackType: 'not-spam' })).kind)
  })

  test('a base64-encoded delivery-status part is read', ({ assert }) => {
    const plain = dsnMessage(original)
    const [head, rest] = plain.split('Content-Type: message/delivery-status\r\n\r\n')
    const end = rest.indexOf('\r\n--B0UND4RY')
    const encoded =
      head +
      'Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      Buffer.from(rest.slice(0, end)).toString('base64') +
      rest.slice(end)
    assert.equal(parseBounceMessage(encoded).status, '5.1.1')
  })

  test('a prose bounce from a mailer daemon is read by its status code', ({ assert }) => {
    const prose = [
      'From: MAILER-DAEMON@old.example.net',
      `To: ${original.returnPath}`,
      'Subject: failure notice',
      '',
      "Sorry, I couldn't deliver your message.",
      '<anna@example.com>: 552 5.2.2 Mailbox full',
    ].join('\r\n')
    assert.include(parseBounceMessage(prose), { kind: 'soft', status: '5.2.2', token })
  })

  test('an auto-reply, or garbage, is no bounce', ({ assert }) => {
    const reply = [
      'From: anna@example.com',
      `To: ${original.returnPath}`,
      'Subject: Out of office',
      '',
      'Back on 5.1.2027.',
    ].join('\r\n')
    assert.isNull(parseBounceMessage(reply).kind)
    assert.isNull(parseBounceMessage('\u0000\u0001 not mail at all').kind)
    assert.isNull(
      parseBounceMessage('Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\n--x--').kind
    )
  })
})

test.group('VERP tokens', () => {
  test('a token names its delivery, in any case, and nothing else does', ({ assert }) => {
    const issued = bounceToken(123_456)
    assert.match(issued, /^[a-z2-7]{26}$/)
    assert.equal(deliveryIdFromBounceToken(issued), 123_456)
    assert.equal(deliveryIdFromBounceToken(issued.toUpperCase()), 123_456)
    assert.notEqual(bounceToken(123_457), issued)

    // One character changed, truncated, or another spelling of the last bits.
    const flipped = issued.slice(0, 5) + (issued[5] === 'a' ? 'b' : 'a') + issued.slice(6)
    assert.isNull(deliveryIdFromBounceToken(flipped))
    assert.isNull(deliveryIdFromBounceToken(issued.slice(0, 25)))
    assert.isNull(deliveryIdFromBounceToken(token))
  })

  test('tokenOfBounceAddress takes only bounces+… of the domain', ({ assert }) => {
    const issued = bounceToken(7)
    assert.equal(tokenOfBounceAddress(`<bounces+${issued}@B.test>`, 'b.test'), issued)
    assert.isNull(tokenOfBounceAddress(`bounces+${issued}@other.test`, 'b.test'))
    assert.isNull(tokenOfBounceAddress(`noreply+${issued}@b.test`, 'b.test'))
  })
})
