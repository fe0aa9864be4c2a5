import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import cache from '@adonisjs/cache/services/main'
import GetHomeNumbers from '#actions/public_pages/get_home_numbers'
import PickRandomPosts from '#actions/public_pages/pick_random_posts'
import { createUser } from '#tests/helpers/users'
import { createPost } from '#tests/helpers/posts'
import { createClients, createMessage } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'

function numberIn(html: string, testId: string) {
  const match = new RegExp(`data-testid="${testId}">([\\d,]+)<`).exec(html)
  return match ? Number(match[1].replaceAll(',', '')) : Number.NaN
}

test.group('Public pages: home', () => {
  test('shows the numbers, three published posts and the sign-up call', async ({
    client,
    assert,
  }) => {
    await createPost({ title: 'Never on the home page', publishedAt: null })
    for (let index = 0; index < 4; index++) await createPost({ title: `Home candidate ${index}` })

    const response = await client.get('/')
    response.assertStatus(200)
    const html = response.text()
    // Counted afresh, not the numbers the page just cached.
    await cache.deleteByTag({ tags: ['home-numbers'] })
    const counted = await GetHomeNumbers.handle()
    assert.equal(numberIn(html, 'total-mailings'), counted.totalMailings)
    assert.equal(numberIn(html, 'active-mailings'), counted.activeMailings)
    assert.equal(numberIn(html, 'unique-clients'), counted.uniqueClients)
    assert.equal(html.match(/data-testid="post-card"/g)?.length, 3)
    assert.notInclude(html, 'Never on the home page')
    assert.include(html, 'data-testid="sign-up-cta"')
    assert.include(html, '<meta name="description"')
  })

  test('the pool holds published posts only; picks are random but stable for a minute', async ({
    assert,
  }) => {
    const draft = await createPost({ publishedAt: null })
    const scheduled = await createPost({ publishedAt: DateTime.now().plus({ hours: 1 }) })
    for (let index = 0; index < 6; index++) await createPost()

    const all = await PickRandomPosts.handle(100)
    const slugs = all.map((card) => card.slug)
    assert.notInclude(slugs, draft.slug)
    assert.notInclude(slugs, scheduled.slug)

    const now = Date.now()
    const pick = await PickRandomPosts.handle(3, now)
    assert.lengthOf(new Set(pick.map((card) => card.slug)), 3)
    assert.deepEqual(await PickRandomPosts.handle(3, now + 1), pick)
    // Over many periods, more than three different posts are shown.
    const shown = new Set<string>()
    for (let minute = 0; minute < 30; minute++) {
      for (const card of await PickRandomPosts.handle(3, now + minute * 60_000))
        shown.add(card.slug)
    }
    assert.isAbove(shown.size, 3)
  })

  test('a run starting clears the cached numbers, in the worker', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    await createClients(tenant, 2)
    await cache.deleteByTag({ tags: ['home-numbers'] })
    const home = await client.get('/')
    const before = numberIn(home.text(), 'total-mailings')

    // A mailing inside its window: the worker starts a run, sends, completes.
    await postForm(client, '/mailings', {
      name: 'Home numbers',
      messageId: message.id,
      audience: 'all',
      periodicity: 'once',
      startAt: DateTime.now().minus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"),
      endAt: DateTime.now().plus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"),
    }).loginAs(user)

    const after = await waitUntil('the home page to count the new mailing', async () => {
      const response = await client.get('/')
      const total = numberIn(response.text(), 'total-mailings')
      return total > before ? total : null
    })
    assert.equal(after, before + 1)
  })
})
