import { writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Post from '#models/post'
import { renderPostMarkdown } from '#services/blog/markdown'
import { forgetPosts } from '#services/blog/public_cache'

let sequence = 0

/**
 * A post saved directly (the editor has its own tests): published a second
 * ago (the newest) unless told otherwise. Clears the blog's cache, as the editor does.
 */
export async function createPost(
  overrides: Partial<Pick<Post, 'title' | 'slug' | 'excerpt' | 'publishedAt' | 'coverName'>> & {
    body?: string
  } = {}
) {
  sequence += 1
  const unique = `${Date.now().toString(36)}-${sequence}`
  const body = overrides.body ?? `Some **news** number ${sequence}.`
  const post = await Post.create({
    title: overrides.title ?? `Post ${unique}`,
    slug: overrides.slug ?? `post-${unique}`,
    excerpt: overrides.excerpt ?? `What post ${unique} is about.`,
    bodyMarkdown: body,
    bodyHtml: renderPostMarkdown(body),
    coverName: overrides.coverName ?? null,
    publishedAt:
      overrides.publishedAt === undefined
        ? DateTime.now().minus({ seconds: 1 })
        : overrides.publishedAt,
  })
  await forgetPosts()
  return post
}

/**
 * A real 1×1 PNG.
 */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

/**
 * Writes a file for an upload under tmp/ and returns its path.
 */
export async function uploadFile(name: string, content: Buffer | string) {
  const folder = app.tmpPath('test-files')
  await mkdir(folder, { recursive: true })
  const path = join(folder, `${Date.now()}-${++sequence}-${name}`)
  await writeFile(path, content)
  return path
}
