import { test } from '@japa/runner'
import { appUrl } from '#config/app'
import {
  clientFromUnsubscribeToken,
  unsubscribeHeaders,
  unsubscribeToken,
  unsubscribeUrl,
} from '#sending/unsubscribe_links'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * The token with one bit of one byte flipped.
 */
function flipBit(token: string, byteIndex: number) {
  const bytes = Buffer.from(token, 'base64url')
  bytes[byteIndex] ^= 0x01
  return bytes.toString('base64url')
}

test.group('Unsubscribe links: tokens', () => {
  test('a token leads back to its workspace and client', ({ assert }) => {
    for (const client of [
      { tenantId: 1, id: 1 },
      { tenantId: 7, id: 123_456 },
      { tenantId: 2 ** 40, id: Number.MAX_SAFE_INTEGER },
    ]) {
      assert.deepEqual(clientFromUnsubscribeToken(unsubscribeToken(client)), client)
    }
  })

  test('is short, URL-safe, stable per client and different for every client', ({ assert }) => {
    const token = unsubscribeToken({ tenantId: 3, id: 42 })
    assert.match(token, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(unsubscribeToken({ tenantId: 3, id: 42 }), token)

    const neighbours = [
      unsubscribeToken({ tenantId: 3, id: 43 }),
      unsubscribeToken({ tenantId: 4, id: 42 }),
      unsubscribeToken({ tenantId: 42, id: 3 }),
    ]
    assert.notInclude(neighbours, token)
    assert.lengthOf(new Set(neighbours), neighbours.length)
  })

  test('does not show the ids it holds', ({ assert }) => {
    const token = unsubscribeToken({ tenantId: 3, id: 42 })
    const bytes = Buffer.from(token, 'base64url')
    // Plain big-endian ids would be seven zero bytes and then the id, twice.
    assert.notDeepEqual([...bytes.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 3])
    assert.notDeepEqual([...bytes.subarray(8, 16)], [0, 0, 0, 0, 0, 0, 0, 42])
    assert.notDeepEqual([...bytes.subarray(0, 7)], [0, 0, 0, 0, 0, 0, 0])
  })

  test('refuses a token with any bit changed', ({ assert }) => {
    const token = unsubscribeToken({ tenantId: 5, id: 99 })
    for (let byteIndex = 0; byteIndex < 32; byteIndex++) {
      assert.isNull(clientFromUnsubscribeToken(flipBit(token, byteIndex)), `byte ${byteIndex}`)
    }
  })

  test('refuses a token whose halves come from different clients', ({ assert }) => {
    const mine = Buffer.from(unsubscribeToken({ tenantId: 5, id: 99 }), 'base64url')
    const theirs = Buffer.from(unsubscribeToken({ tenantId: 6, id: 100 }), 'base64url')
    const spliced = Buffer.concat([theirs.subarray(0, 16), mine.subarray(16)])
    assert.isNull(clientFromUnsubscribeToken(spliced.toString('base64url')))
  })

  test('refuses garbled, truncated, padded and empty tokens', ({ assert }) => {
    const token = unsubscribeToken({ tenantId: 5, id: 99 })
    for (const bad of [
      '',
      'example',
      token.slice(0, -1),
      `${token}A`,
      `${token}=`,
      token.replace(/^./, '+'),
      'A'.repeat(43),
      // Same bytes, another spelling: the last character's unused bits set.
      token.slice(0, -1) + BASE64URL[BASE64URL.indexOf(token.at(-1)!) ^ 0b01],
      '../../etc/passwd',
    ]) {
      assert.isNull(clientFromUnsubscribeToken(bad), bad)
    }
  })
})

test.group('Unsubscribe links: URL and headers', () => {
  test('the link is APP_URL/u/<token>', ({ assert }) => {
    const client = { tenantId: 8, id: 800 }
    assert.equal(unsubscribeUrl(client), `${appUrl}/u/${unsubscribeToken(client)}`)
  })

  test('headers offer one-click unsubscribe (RFC 8058)', ({ assert }) => {
    assert.deepEqual(unsubscribeHeaders('https://mailings.test/u/abc'), {
      'List-Unsubscribe': '<https://mailings.test/u/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    })
  })
})
