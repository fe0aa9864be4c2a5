import vine from '@vinejs/vine'
import { DateTime } from 'luxon'

export function isValidTimeZone(zone: string | null | undefined): zone is string {
  return !!zone && DateTime.now().setZone(zone).isValid
}

const ianaTimeZone = vine.createRule((value: unknown, _: undefined, field) => {
  if (typeof value === 'string' && !isValidTimeZone(value)) {
    field.report('Choose a time zone from the list', 'timeZone', field)
  }
})

export const updateWorkspaceValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(2).maxLength(120),
    timeZone: vine.string().trim().maxLength(64).use(ianaTimeZone()),
    // A checkbox: absent when unticked.
    requireTwoFactor: vine.boolean().optional(),
  })
)

export const deleteWorkspaceValidator = vine.compile(
  vine.object({
    confirmation: vine.string().trim().maxLength(200),
  })
)
