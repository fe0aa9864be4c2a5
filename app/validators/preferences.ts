import vine from '@vinejs/vine'
import { MAX_TAGS_PER_WORKSPACE } from '#audiences/client_tags'
import { recordId } from '#validators/rules/record_id'
import { oneOrMany } from '#validators/rules/one_or_many'

/**
 * The preference page's form: the ids of the ticked topics (`topics[]`, up
 * to the body parser's arrayLimit of 1,000; a lone `topics` too), none when
 * every box is cleared. Which of them are the workspace's topics
 * is the action's business (UpdateClientTopics ignores the others).
 */
export const preferencesValidator = vine.compile(
  vine.object({
    topics: vine.array(recordId()).parse(oneOrMany).maxLength(MAX_TAGS_PER_WORKSPACE).optional(),
  })
)
