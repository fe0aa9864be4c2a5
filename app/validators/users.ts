import vine from '@vinejs/vine'
import { ROLES } from '#models/user'
import { newPassword } from '#validators/rules/password'
import { fullName } from '#validators/rules/full_name'

/**
 * `node ace users:create`'s arguments.
 */
export const createUserValidator = vine.compile(
  vine.object({
    email: vine
      .string()
      .trim()
      .toLowerCase()
      .email()
      .unique(async (db, value) => !(await db.from('users').where('email', value).first())),
    password: newPassword(),
    role: vine.enum(ROLES),
    fullName: fullName(),
  })
)
