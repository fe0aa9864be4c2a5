import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import SuppressionPolicy from '#policies/suppression_policy'
import ListSuppressions from '#actions/suppressions/list_suppressions'
import FindSuppression from '#actions/suppressions/find_suppression'
import AddSuppression from '#actions/suppressions/add_suppression'
import RemoveSuppression, {
  ComplaintRemovalNotConfirmedError,
  UnsubscribeNotRemovableError,
} from '#actions/suppressions/remove_suppression'
import {
  apiRemoveSuppressionValidator,
  apiSuppressionListValidator,
  suppressionValidator,
} from '#validators/suppression'
import { apiBody } from '#api/input'
import { ApiProblem } from '#api/problem'
import { problemMessages } from '#api/problem_messages'
import { keysetListOf, keysetRequest } from '#services/database/pagination'
import { serializeSuppression } from '#api/serializers/suppression'

/**
 * The workspace's suppression list, through the same actions as the
 * Suppressions page.
 */
export default class SuppressionsController {
  /**
   * Newest first, by id (keyset), optionally one address or one reason.
   */
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(SuppressionPolicy).authorize('viewList')
    const { email, reason, ...paging } = await request.validateUsing(apiSuppressionListValidator, {
      data: request.qs(),
    })
    const page = await ListSuppressions.handle(tenant, {
      email,
      reason,
      ...keysetRequest(paging),
    })
    return keysetListOf(page.items.map(serializeSuppression), page.nextCursor)
  }

  /**
   * Adds an address (reason manual): 201 when new, 200 with the entry it
   * already had.
   */
  async store({ request, response, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(SuppressionPolicy).authorize('create')
    const { email, detail } = await request.validateUsing(suppressionValidator, {
      data: apiBody(request),
    })
    const { entry, created } = await AddSuppression.handle(actorOf({ auth, request }), tenant, {
      email,
      detail,
      source: 'api',
    })
    response.header('Location', `/api/v1/suppressions/${entry.id}`)
    return response.status(created ? 201 : 200).json(serializeSuppression(entry))
  }

  /**
   * By address or id; a complaint needs `?confirm=complaint` (409 without);
   * an unsubscribe is the recipient's to undo, never removed (409).
   */
  async destroy({ params, request, response, tenant, bouncer, auth }: HttpContext) {
    // By address or id, as the path segment reads before URL encoding.
    const entry = await FindSuppression.handle(tenant, decodedSegment(params.address))
    await bouncer.with(SuppressionPolicy).authorize('delete', entry)
    const { confirm } = await request.validateUsing(apiRemoveSuppressionValidator, {
      data: request.qs(),
    })
    try {
      const removal = await RemoveSuppression.handle(actorOf({ auth, request }), entry, {
        complaintConfirmed: confirm === 'complaint',
      })
      if (removal === 'removed') return response.noContent()
      return serializeSuppression(entry)
    } catch (error) {
      if (error instanceof UnsubscribeNotRemovableError) {
        throw new ApiProblem('conflict', problemMessages.suppressions.unsubscribeNotRemovable)
      }
      if (error instanceof ComplaintRemovalNotConfirmedError) {
        throw new ApiProblem('conflict', problemMessages.suppressions.complaintNeedsConfirm)
      }
      throw error
    }
  }
}

/**
 * The path segment as written before URL encoding ("ada%40example.com" is
 * "ada@example.com"); one that does not decode names nothing (404).
 */
function decodedSegment(segment: string) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}
