import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import SendingDomain from '#models/sending_domain'
import AddSendingDomain, {
  SendingDomainTakenError,
} from '#actions/sending_domains/add_sending_domain'
import Tenant from '#models/tenant'
import sendingDomainsConfig from '#config/sending_domains'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import type { TestDnsServer } from '#tests/helpers/dns_server'
import { publishRecords, startDnsServer, uniqueDomain } from './helpers.js'
import { ownerActorOf } from '#tests/helpers/actors'

const ENTITIES: Record<string, string> = {
  'lt': '<',
  'gt': '>',
  'amp': '&',
  'quot': '"',
  '#x27': "'",
}

/**
 * The text of an element found by its data-testid, tags removed, entities
 * decoded and whitespace collapsed.
 */
function testId(html: string, id: string) {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html)
  return match?.[2]
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(lt|gt|amp|quot|#x27);/g, (_, name) => ENTITIES[name])
    .replace(/\s+/g, ' ')
    .trim()
}

async function sendingPage(client: ApiClient, user: User) {
  const response = await client.get('/settings/sending').loginAs(user)
  response.assertStatus(200)
  return response.text()
}

test.group('Settings → Sending', (group) => {
  let dns: TestDnsServer
  group.setup(async () => {
    dns = await startDnsServer((task) => group.teardown(task))
  })

  test('mail goes "via" us until the domain is verified, from the workspace once it is, and "via" again when its records go', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const domainName = uniqueDomain()

    const page = await client.get('/settings').loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('href="/settings/sending"')

    const saved = await putForm(client, '/settings/sending', {
      senderName: 'Acme News',
      senderEmail: `News@${domainName}`,
      replyTo: `help@${domainName}`,
    }).loginAs(user)
    saved.assertHeader('location', '/settings/sending')
    await tenant.refresh()
    assert.equal(tenant.senderEmail, `news@${domainName}`)

    let html = await sendingPage(client, user)
    assert.equal(testId(html, 'effective-from'), 'Acme News via Mailings <hello@mailings.test>')
    assert.equal(testId(html, 'effective-reply-to'), `help@${domainName}`)
    assert.include(testId(html, 'via-notice'), `is not one of your domains`)

    const added = await postForm(client, '/settings/sending/domains', {
      domain: domainName.toUpperCase(),
    }).loginAs(user)
    added.assertHeader('location', '/settings/sending')
    const domain = await SendingDomain.findByOrFail('domain', domainName)
    assert.equal(domain.tenantId, tenant.id)
    // The private key is stored encrypted, never as PEM.
    const raw = await SendingDomain.query().where('id', domain.id).pojo<any>().firstOrFail()
    assert.notInclude(raw.dkim_private_key, 'PRIVATE KEY')
    assert.include(domain.dkimPrivateKey, 'BEGIN PRIVATE KEY')

    html = await sendingPage(client, user)
    assert.equal(testId(html, 'domain-state'), 'Pending')
    assert.include(html, `_mailings-verification.${domainName}`)
    assert.include(html, `mailings-verification=${domain.verificationToken}`)
    assert.include(html, `${domain.dkimSelector}._domainkey.${domainName}`)
    assert.include(html, `v=DKIM1; k=rsa; p=${domain.dkimPublicKey}`)
    assert.include(testId(html, 'via-notice'), 'is not verified yet')

    // Checked before anything is published.
    const early = await postForm(client, `/settings/sending/domains/${domain.id}/check`).loginAs(
      user
    )
    early.assertFlashMessage(
      'error',
      `${domainName} is not verified yet: the ownership and DKIM records must both be found. DNS changes can take a while to show.`
    )
    html = await sendingPage(client, user)
    assert.equal(testId(html, 'status-ownership'), 'missing')
    assert.equal(testId(html, 'status-dkim'), 'missing')

    publishRecords(dns, domain)
    const checked = await postForm(client, `/settings/sending/domains/${domain.id}/check`).loginAs(
      user
    )
    checked.assertFlashMessage(
      'success',
      `${domainName} is verified: mail from it is signed with its key.`
    )
    html = await sendingPage(client, user)
    assert.equal(testId(html, 'domain-state'), 'Verified')
    assert.equal(testId(html, 'status-ownership'), 'ok')
    assert.equal(testId(html, 'status-dkim'), 'ok')
    assert.equal(testId(html, 'effective-from'), `Acme News <news@${domainName}>`)
    assert.include(testId(html, 'effective-dkim'), `signed as ${domainName}`)
    assert.isUndefined(testId(html, 'via-notice'))

    // Someone replaces the DKIM key at the DNS host.
    dns.txt(`${domain.dkimSelector}._domainkey.${domainName}`, 'v=DKIM1; k=rsa; p=AAAA')
    const lost = await postForm(client, `/settings/sending/domains/${domain.id}/check`).loginAs(
      user
    )
    lost.assertFlashMessage(
      'error',
      `${domainName} is no longer verified: its ownership or DKIM record is gone or changed. Mail goes from our address until it is back.`
    )
    html = await sendingPage(client, user)
    assert.equal(testId(html, 'domain-state'), 'No longer verified')
    assert.equal(testId(html, 'status-dkim'), 'wrong v=DKIM1; k=rsa; p=AAAA')
    assert.include(testId(html, 'via-notice'), 'was verified, but the check of')
    assert.equal(testId(html, 'effective-from'), 'Acme News via Mailings <hello@mailings.test>')

    const removed = await deleteForm(client, `/settings/sending/domains/${domain.id}`).loginAs(user)
    removed.assertFlashMessage('success', `${domainName} is removed.`)
    assert.isNull(await SendingDomain.find(domain.id))
  })

  test('bad sender fields are refused beside the field', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const cases: [Record<string, string>, string][] = [
      [{ senderEmail: 'not-an-address' }, 'senderEmail'],
      [{ replyTo: 'also not one' }, 'replyTo'],
      [{ senderEmail: `${'a'.repeat(250)}@example.com` }, 'senderEmail'],
      [{ senderName: 'Acme\r\nBcc: victim@example.com' }, 'senderName'],
      [{ senderName: 'A'.repeat(101) }, 'senderName'],
    ]
    for (const [fields, field] of cases) {
      const response = await putForm(client, '/settings/sending', fields).loginAs(user)
      response.assertStatus(302)
      const errors = response.flashMessages().inputErrorsBag ?? {}
      assert.properties(errors, [field], `${JSON.stringify(fields)} must be refused on ${field}`)
    }
    await tenant.refresh()
    assert.isNull(tenant.senderEmail)
    assert.isNull(tenant.senderName)

    // Everything empty is fine: the workspace's name and our address.
    const cleared = await putForm(client, '/settings/sending', {
      senderName: '',
      senderEmail: '',
      replyTo: '',
    }).loginAs(user)
    cleared.assertHeader('location', '/settings/sending')
  })

  test('domain names: no addresses, IPs, spaces or overlong names; IDNs stored in punycode; a limit per workspace', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const refused = [
      '192.168.1.10',
      '[::1]',
      '::1',
      'exa mple.com',
      'localhost',
      'news@example.com',
      'https://example.com',
      '-bad.example',
      'bad-.example',
      `${'a'.repeat(64)}.example`,
      `${'abcdefghij.'.repeat(23)}example`,
      'example.123',
      'ex_ample.com',
      '',
    ]
    for (const domain of refused) {
      const response = await postForm(client, '/settings/sending/domains', { domain }).loginAs(user)
      response.assertStatus(302)
      assert.properties(response.flashMessages().inputErrorsBag ?? {}, ['domain'], domain)
    }
    // Shapes a form can take: a list, an object.
    for (const domain of [['a.example', 'b.example'], { a: 'b.example' }]) {
      const response = await postForm(client, '/settings/sending/domains', { domain }).loginAs(user)
      response.assertStatus(302)
      assert.properties(response.flashMessages().inputErrorsBag ?? {}, ['domain'])
    }
    assert.lengthOf(await tenant.related('sendingDomains').query(), 0)

    const idn = `bücher-${Date.now().toString(36)}.Example.`
    await postForm(client, '/settings/sending/domains', { domain: idn }).loginAs(user)
    const stored = await tenant.related('sendingDomains').query().firstOrFail()
    assert.match(stored.domain, /^xn--bcher-.*\.example$/)

    const again = await postForm(client, '/settings/sending/domains', { domain: idn }).loginAs(user)
    again.assertFlashMessage('inputErrorsBag', {
      domain: [`${stored.domain} is already one of this workspace's domains.`],
    })

    for (let i = 1; i < sendingDomainsConfig.maxPerWorkspace; i++) {
      const response = await postForm(client, '/settings/sending/domains', {
        domain: uniqueDomain(),
      }).loginAs(user)
      assert.isUndefined(response.flashMessages().inputErrorsBag)
    }
    const over = await postForm(client, '/settings/sending/domains', {
      domain: uniqueDomain(),
    }).loginAs(user)
    over.assertFlashMessage('inputErrorsBag', {
      domain: [
        `A workspace can have at most ${sendingDomainsConfig.maxPerWorkspace} sending domains. Remove one you no longer use first.`,
      ],
    })
    assert.lengthOf(
      await tenant.related('sendingDomains').query(),
      sendingDomainsConfig.maxPerWorkspace
    )
  })

  test('the same domain added twice at once is added once', async ({ assert }) => {
    // Both calls share one tenant instance, as two submits handled in one
    // process may: a round in forty once ran the second inside the first's
    // transaction on PostgreSQL. Ten rounds make that visible.
    const { tenant } = await createUser()
    for (let round = 0; round < 10; round++) {
      const domain = uniqueDomain()
      const results = await Promise.allSettled([
        AddSendingDomain.handle(await ownerActorOf(tenant), tenant, domain),
        AddSendingDomain.handle(await ownerActorOf(tenant), tenant, domain),
      ])
      assert.sameMembers(
        results.map((result) => result.status),
        ['fulfilled', 'rejected']
      )
      const refused = results.find((result) => result.status === 'rejected')
      assert.instanceOf(refused?.reason, SendingDomainTakenError)
      assert.lengthOf(await tenant.related('sendingDomains').query().where('domain', domain), 1)
      await tenant.related('sendingDomains').query().delete()
    }
  }).timeout(30_000)

  test('a From address on another domain is kept, and mail says "via"', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    await putForm(client, '/settings/sending', {
      senderEmail: 'me@gmail.example',
    }).loginAs(user)
    const tenant = await Tenant.findOrFail(user.lastTenantId!)
    assert.equal(tenant.senderEmail, 'me@gmail.example')
    const html = await sendingPage(client, user)
    assert.equal(
      testId(html, 'effective-from'),
      `${tenant.name} via Mailings <hello@mailings.test>`
    )
    assert.equal(testId(html, 'effective-reply-to'), 'me@gmail.example')
  })
})
