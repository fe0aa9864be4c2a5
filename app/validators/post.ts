import { extname } from 'node:path'
import vine from '@vinejs/vine'
import { DateTime } from 'luxon'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type { FieldContext, Infer } from '@vinejs/vine/types'
import blogConfig from '#config/blog'
import { COVER_EXTNAMES, detectCoverExtension } from '#services/blog/covers'

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * The cover must be named as an image and be one by its content: a text
 * file renamed .png is refused. Checked here rather than by the body
 * parser's `extnames` so each case gets its own sentence.
 */
const coverImage = vine.createRule(async (value: unknown, _: undefined, field: FieldContext) => {
  const file = value as MultipartFile
  if (!field.isValid || !file.tmpPath) return
  if (!COVER_EXTNAMES.includes(extname(file.clientName).slice(1).toLowerCase())) {
    field.report('Choose a JPEG, PNG, WebP or GIF image', 'file.extname', field)
  } else if (!(await detectCoverExtension(file.tmpPath))) {
    field.report('The file is not an image', 'file.notImage', field)
  }
})

/**
 * The slug must not be another post's.
 */
const uniqueSlug = () =>
  vine
    .string()
    .trim()
    .toLowerCase()
    .maxLength(200)
    .regex(SLUG_PATTERN)
    .unique(async (query, value, field) => {
      const { postId } = field.meta as { postId?: number }
      const taken = query.from('posts').where('slug', value)
      if (postId) taken.whereNot('id', postId)
      return !(await taken.first())
    })

export const postValidator = vine.withMetaData<{ postId?: number }>().compile(
  vine.object({
    title: vine.string().trim().minLength(2).maxLength(200),
    // Empty: made from the title when saving.
    slug: uniqueSlug().optional(),
    excerpt: vine.string().trim().maxLength(300).optional(),
    body: vine
      .string()
      .trim()
      .maxLength(100_000)
      .transform((value) => value.replace(/\r\n?/g, '\n')),
    // A `datetime-local` value in UTC; empty keeps the post a draft.
    publishedAt: vine
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
      .transform((value) => DateTime.fromISO(value, { zone: 'utc' }))
      .optional(),
    cover: vine.file({ size: blogConfig.coverMaxSize }).use(coverImage()).optional(),
    removeCover: vine.boolean().optional(),
  })
)

export type PostInput = Infer<typeof postValidator>
