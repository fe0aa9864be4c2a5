import vine from '@vinejs/vine'
import hash from '@adonisjs/core/services/hash'
import type { FieldContext } from '@vinejs/vine/types'
import { newPassword } from '#validators/rules/password'
import { fullName } from '#validators/rules/full_name'

export const updateProfileValidator = vine.compile(
  vine.object({
    fullName: fullName(),
  })
)

/**
 * The current password must match the user's stored hash, passed in as
 * validator metadata.
 */
const matchesCurrentPassword = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (typeof value !== 'string' || !field.isValid) return
    if (!(await hash.verify(field.meta.passwordHash, value))) {
      field.report('Your current password is not correct', 'currentPassword', field)
    }
  }
)

export const changePasswordValidator = vine.withMetaData<{ passwordHash: string }>().compile(
  vine.object({
    currentPassword: vine.string().maxLength(128).use(matchesCurrentPassword()),
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)
