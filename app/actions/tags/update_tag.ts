import type Tag from '#models/tag'
import { withUniqueName, type TagFields } from '#actions/tags/create_tag'

/**
 * Renames a tag or changes its topic settings. Its clients, mailings, forms
 * and segments refer to it by id, so they follow the new name.
 */
export default class UpdateTag {
  static async handle(tag: Tag, fields: TagFields) {
    tag.merge({
      name: fields.name,
      isTopic: fields.isTopic ?? false,
      description: fields.description ?? null,
    })
    await withUniqueName(() => tag.save())
    return tag
  }
}
