import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import MailingPolicy from '#policies/mailing_policy'
import BuildWorkspaceReport from '#actions/stats/build_workspace_report'
import { reportRangeValidator } from '#validators/report'

/**
 * Days a report covers when none are chosen, today included.
 */
const DEFAULT_DAYS = 30

export default class ReportsController {
  /**
   * Totals of the workspace's mailings over a range of days. A GET form: an
   * invalid range renders the form again with the errors beside the fields
   * (no redirect, the range is in the address).
   */
  async show({ request, response, view, bouncer, tenant }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('viewList')
    const range = withDefaults(request.qs(), tenant.timeZone)

    const [error, valid] = await reportRangeValidator.tryValidate(range)
    if (error) {
      response.status(422)
      return view.render('pages/reports/show', { range, errors: firstErrorByField(error) })
    }
    const report = await BuildWorkspaceReport.handle(tenant, valid)
    return view.render('pages/reports/show', { range: valid, errors: {}, report })
  }
}

/**
 * A missing (or blank) last day is today in the workspace; a missing first
 * day is 30 days before the last. Filled in before validation, so a range
 * made of one hand-written day and one default is checked like any other.
 */
function withDefaults(qs: Record<string, unknown>, timeZone: string) {
  const given = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  const to = given(qs.to) ?? DateTime.now().setZone(timeZone).toISODate()!
  const toDay = DateTime.fromISO(to)
  const from =
    given(qs.from) ?? (toDay.isValid ? toDay.minus({ days: DEFAULT_DAYS - 1 }).toISODate()! : to)
  return { from, to }
}

function firstErrorByField(error: { messages: { field: string; message: string }[] }) {
  const errors: Record<string, string> = {}
  for (const { field, message } of error.messages) errors[field] ??= message
  return errors
}
