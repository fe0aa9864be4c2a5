import { test } from '@japa/runner'
import { Resolver } from 'node:dns/promises'
import { dnsServerList } from '#start/env'

test.group('DNS_SERVERS', () => {
  test('unset or empty: the system resolvers', ({ assert }) => {
    for (const value of [undefined, '', ' , ']) {
      assert.deepEqual(dnsServerList('DNS_SERVERS', value), [])
    }
  })

  test('IPs with optional ports, as node:dns setServers takes them', ({ assert }) => {
    const servers = dnsServerList('DNS_SERVERS', '1.1.1.1, 10.0.0.2:5353 ,[::1]:53, 2001:db8::1')
    assert.deepEqual(servers, ['1.1.1.1', '10.0.0.2:5353', '[::1]:53', '2001:db8::1'])
    const resolver = new Resolver()
    resolver.setServers(servers)
    // (node prints port 53 only when it is not the default)
    assert.deepEqual(resolver.getServers(), ['1.1.1.1', '10.0.0.2:5353', '::1', '2001:db8::1'])
  })

  test('{$self} is refused with a sentence naming it')
    .with(['dns.example.com', '300.1.1.1', '10.0.0.2:0', '10.0.0.2:70000', '[::1', 'localhost'])
    .run(({ assert }, entry) => {
      assert.throws(
        () => dnsServerList('DNS_SERVERS', `1.1.1.1, ${entry}`),
        `"${entry}" is not one`
      )
    })
})
