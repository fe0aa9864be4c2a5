import vine from '@vinejs/vine'
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as zxcvbnCommon from '@zxcvbn-ts/language-common'
import type { FieldContext } from '@vinejs/vine/types'

const zxcvbn = new ZxcvbnFactory({
  dictionary: zxcvbnCommon.dictionary,
  graphs: zxcvbnCommon.adjacencyGraphs,
})

export const PASSWORD_MIN_LENGTH = 10

/**
 * Refuses passwords found in common-password lists or otherwise easy to
 * guess (zxcvbn score below 3 of 4). The user's email and name count as
 * guessable words.
 */
const notCommonPassword = vine.createRule(
  (value: unknown, _options: undefined, field: FieldContext) => {
    if (typeof value !== 'string' || !field.isValid) return

    const parent = field.parent as Record<string, unknown> | undefined
    const personalWords = [parent?.email, parent?.fullName].filter(
      (word): word is string => typeof word === 'string'
    )
    const { score } = zxcvbn.check(value, personalWords)

    if (score < 3) {
      field.report(
        'This password is too common or too easy to guess. Try a longer phrase of unrelated words.',
        'password.common',
        field
      )
    }
  }
)

/**
 * The rules every new password goes through.
 */
export const newPassword = () =>
  vine.string().minLength(PASSWORD_MIN_LENGTH).maxLength(128).use(notCommonPassword())
