import { test } from '@japa/runner'
import { generateKeyPairSync } from 'node:crypto'
import { sendgridPublicKey } from '#start/env'

const KEY = 'SENDGRID_WEBHOOK_PUBLIC_KEY'

function spkiBase64(type: 'ec' | 'rsa') {
  const { publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 1024 })
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
}

test.group('SENDGRID_WEBHOOK_PUBLIC_KEY', () => {
  test('unset or empty: SendGrid off', ({ assert }) => {
    for (const value of [undefined, '', '  ']) assert.isUndefined(sendgridPublicKey(KEY, value))
  })

  test("SendGrid's verification key (base64 DER of an ECDSA key) is taken", ({ assert }) => {
    const key = spkiBase64('ec')
    assert.equal(sendgridPublicKey(KEY, ` ${key}\n`), key)
  })

  test('a malformed or non-ECDSA key stops the boot with a sentence naming the variable')
    .with(['not a key', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', spkiBase64('rsa')])
    .run(({ assert }, value) => {
      assert.throws(() => sendgridPublicKey(KEY, value), /SENDGRID_WEBHOOK_PUBLIC_KEY must be/)
    })
})
