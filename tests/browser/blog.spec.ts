import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { createPost, PNG_BYTES, uploadFile } from '#tests/helpers/posts'

/**
 * Markdown an attacker might write: each payload sets window.pwned (or
 * opens a dialog) if it ever runs.
 */
const HOSTILE_MARKDOWN = [
  'Welcome to **spring**.',
  '',
  '<script>window.pwned = "script"</script>',
  '',
  '<img src="x" onerror="window.pwned = \'onerror\'">',
  '',
  '<a href="javascript:window.pwned=\'link\'">Harmless looking link</a>',
  '',
  "[Markdown link](javascript:window.pwned='md-link')",
  '',
  '<div onmouseover="window.pwned = \'hover\'">Hover me</div>',
  '',
  '<iframe src="javascript:alert(1)"></iframe>',
  '',
  '[A real link](https://example.com/spring)',
].join('\n')

test.group('Blog in the browser', () => {
  test('a content manager writes a post with a cover, publishes it and sees it on the blog', async ({
    visit,
    assert,
  }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const cover = await uploadFile('spring.png', PNG_BYTES)
    const fake = await uploadFile('not-really.png', 'plain text pretending to be a picture\n')

    const page = await visit('/login')
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      return dialog.dismiss()
    })
    await logInThroughForm(page, user.email)

    await page.locator('#main-nav').getByRole('link', { name: 'Admin' }).click()
    await page.getByTestId('admin-nav').getByRole('link', { name: 'Posts' }).click()
    await page.getByRole('link', { name: 'New post' }).click()
    await page.getByLabel('Title').fill('Spring campaign ideas')
    await page.getByLabel('Excerpt').fill('Five mailings your clients will open this spring.')
    await page.getByLabel('Body (Markdown)').fill(HOSTILE_MARKDOWN)

    // A text file named .png is refused beside the field, the rest is kept.
    await page.getByLabel('Cover image').setInputFiles(fake)
    await page.getByRole('button', { name: 'Save post' }).click()
    await page.assertTextContains('[data-testid="error-cover"]', 'This file is not an image')
    await page.assertInputValue('[name="title"]', 'Spring campaign ideas')

    await page.getByLabel('Cover image').setInputFiles(cover)
    await page.getByRole('button', { name: 'Save post' }).click()
    await page.assertTextContains('.alert-success', 'is saved (draft)')
    await page.assertTextContains('[data-testid="post-state"]', 'draft')

    await page.getByRole('button', { name: 'Publish now' }).click()
    await page.assertTextContains('.alert-success', 'is published')
    await page.getByRole('link', { name: 'View on the blog' }).click()

    await page.waitForURL('**/blog/spring-campaign-ideas')
    assert.equal(await page.title(), 'Spring campaign ideas · Mailings')
    await page.assertTextContains('[data-testid="article"] h1', 'Spring campaign ideas')
    const coverLoaded = await page
      .locator('[data-testid="article-cover"]')
      .evaluate((image: any) => image.complete && image.naturalWidth > 0)
    assert.isTrue(coverLoaded)

    // None of the payloads runs, even when their elements are used.
    await page.getByText('Hover me').hover()
    await page.getByText('Harmless looking link').click()
    await page.getByText('Markdown link').click()
    assert.isUndefined(await page.evaluate(() => (globalThis as any).pwned))
    assert.deepEqual(dialogs, [])
    // And they are gone from the page, not merely blocked by the CSP.
    assert.equal(await page.locator('[data-testid="article"] :is(script, iframe)').count(), 0)
    const leftovers = await page
      .locator('[data-testid="article"] *')
      .evaluateAll((elements) =>
        elements.flatMap((element) =>
          [...element.attributes]
            .filter(
              (attribute) =>
                attribute.name.startsWith('on') || /^\s*javascript:/i.test(attribute.value)
            )
            .map((attribute) => `${element.tagName} ${attribute.name}`)
        )
      )
    assert.deepEqual(leftovers, [])
    assert.equal(
      await page.getByRole('link', { name: 'A real link' }).getAttribute('rel'),
      'nofollow noopener'
    )

    // The post is on the blog list.
    await page.getByRole('link', { name: 'Blog', exact: true }).first().click()
    await page.assertTextContains('main', 'Spring campaign ideas')
  })

  test('the blog reads well on a phone', async ({ visit, assert }) => {
    const post = await createPost({
      title: 'A rather long title that has to wrap nicely on a small screen',
      body: `${'Some words that fill a paragraph. '.repeat(40)}\n\n\`\`\`\n${'x'.repeat(300)}\n\`\`\``,
    })
    const page = await visit('/blog')
    await page.setViewportSize({ width: 375, height: 740 })

    for (const path of ['/', '/blog', `/blog/${post.slug}`]) {
      await page.goto(new URL(path, page.url()).href)
      const overflow = await page.evaluate(() => {
        const root = (globalThis as any).document.documentElement
        return root.scrollWidth - root.clientWidth
      })
      assert.isAtMost(overflow, 0, `${path} scrolls sideways on a phone`)
    }
  })
})
