import vine from '@vinejs/vine'
import { MAX_TAGS_PER_WORKSPACE } from '#audiences/client_tags'
import { recordId } from '#validators/rules/record_id'

/**
 * The ticked boxes as a list, however the form body was read: the query
 * string parser turns `topics[]` repeated more than 20 times (its
 * arrayLimit) into an object keyed by position, and a lone value without
 * brackets into a string. Anything else stays as it is, for the array rule
 * to refuse.
 */
function asList(value: unknown) {
  if (value === undefined || value === null || Array.isArray(value)) return value
  if (typeof value === 'object') return Object.values(value)
  return [value]
}

/**
 * The preference page's form: the ids of the ticked topics (`topics[]`),
 * none when every box is cleared. Which of them are the workspace's topics
 * is the action's business (UpdateClientTopics ignores the others).
 */
export const preferencesValidator = vine.compile(
  vine.object({
    topics: vine.array(recordId()).parse(asList).maxLength(MAX_TAGS_PER_WORKSPACE).optional(),
  })
)
