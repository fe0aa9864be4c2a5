import { test } from '@japa/runner'
import proxyaddr from 'proxy-addr'
import { proxyList } from '#start/env'

test.group('TRUSTED_PROXIES', () => {
  test('unset or empty trusts loopback peers only', ({ assert }) => {
    for (const value of [undefined, '', ' , ']) {
      const trust = proxyaddr.compile(proxyList('TRUSTED_PROXIES', value))
      assert.isTrue(trust('127.0.0.1', 0))
      assert.isTrue(trust('::1', 0))
      assert.isFalse(trust('203.0.113.9', 0))
      assert.isFalse(trust('10.0.0.5', 0))
    }
  })

  test('takes IPs, CIDR ranges and names, comma-separated', ({ assert }) => {
    const trust = proxyaddr.compile(
      proxyList('TRUSTED_PROXIES', '10.0.0.0/8, 192.168.1.7 ,linklocal')
    )
    assert.isTrue(trust('10.20.30.40', 0))
    assert.isTrue(trust('192.168.1.7', 0))
    assert.isTrue(trust('fe80::1', 0))
    assert.isFalse(trust('127.0.0.1', 0))
    assert.isFalse(trust('192.168.1.8', 0))
  })

  test('{$self} is refused with a sentence naming it')
    .with(['10.0.0.0/33', 'proxy.example.com', '300.1.1.1', 'localhost'])
    .run(({ assert }, entry) => {
      assert.throws(
        () => proxyList('TRUSTED_PROXIES', `127.0.0.1, ${entry}`),
        `"${entry}" is none of these`
      )
    })
})
