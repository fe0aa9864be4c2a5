import string from '@adonisjs/core/helpers/string'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

const SLUG_MAX_LENGTH = 200

/**
 * A slug made from the title, unique among posts: "hello-world", then
 * "hello-world-2", "hello-world-3"…
 */
export async function uniqueSlugFor(title: string, trx: TransactionClientContract) {
  const base =
    string
      .slug(title, { lower: true, strict: true, trim: true })
      .slice(0, SLUG_MAX_LENGTH - 8)
      .replace(/-+$/, '') || 'post'
  const taken = new Set(
    await trx
      .from('posts')
      .where('slug', base)
      .orWhere('slug', 'like', `${base}-%`)
      .select('slug')
      .then((rows) => rows.map((row) => row.slug as string))
  )
  let slug = base
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${base}-${suffix}`
  return slug
}
