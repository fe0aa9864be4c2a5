import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import type Segment from '#models/segment'
import SegmentPolicy from '#policies/segment_policy'
import ListSegments from '#actions/segments/list_segments'
import LoadSegmentEditor from '#actions/segments/load_segment_editor'
import PreviewSegment from '#actions/segments/preview_segment'
import CountSegment from '#actions/segments/count_segment'
import SaveSegment, { SegmentLimitError } from '#actions/segments/save_segment'
import DeleteSegment from '#actions/segments/delete_segment'
import FindMailingsUsing from '#actions/mailings/find_mailings_using'
import { MAX_SEGMENTS_PER_WORKSPACE, SEGMENT_MAX_CONDITIONS } from '#audiences/segment_definition'
import {
  conditionRowsOf,
  postedRows,
  segmentDefinitionOf,
  segmentMeta,
  segmentPreviewValidator,
  segmentValidator,
  type ConditionRow,
} from '#validators/segment'
import { flashMessages } from '#services/http/flash_messages'

const BLANK_ROW: ConditionRow = { field: 'tags', op: 'any', value: '', tagIds: [] }

/**
 * Segments: saved conditions over the workspace's clients, and their
 * editor. The editor works as a plain form: "Add a condition", "Remove" and
 * "Preview" post it to `editor`, which shows it again (with the count and a
 * sample for a preview) without saving; public/js/segment_editor.js only
 * adds conveniences on top (fitting operators, a live count).
 */
export default class SegmentsController {
  async index({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(SegmentPolicy).authorize('viewList')
    return view.render('pages/segments/index', {
      ...(await ListSegments.handle(tenant)),
      maxSegments: MAX_SEGMENTS_PER_WORKSPACE,
    })
  }

  async create({ view, bouncer, tenant, session }: HttpContext) {
    await bouncer.with(SegmentPolicy).authorize('create')
    return view.render('pages/segments/form', {
      ...(await LoadSegmentEditor.handle(tenant)),
      rows: rowsAfterRefusal(session) ?? [BLANK_ROW],
      preview: null,
    })
  }

  async store({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(SegmentPolicy).authorize('create')
    const data = await request.validateUsing(segmentValidator, { meta: await segmentMeta(tenant) })
    try {
      const segment = await SaveSegment.handle({
        actor: actorOf({ auth, request }),
        tenant,
        data: { name: data.name, definition: segmentDefinitionOf(data) },
      })
      session.flash('success', flashMessages.segments.created(segment.name))
      return response.redirect().toRoute('segments.edit', { id: segment.id })
    } catch (error) {
      if (!(error instanceof SegmentLimitError)) throw error
      session.flash('error', flashMessages.segments.limitReached(MAX_SEGMENTS_PER_WORKSPACE))
      return response.redirect().toRoute('segments.index')
    }
  }

  /**
   * The editor of a saved segment shows whom it matches now.
   */
  async edit({ view, params, bouncer, tenant, session }: HttpContext) {
    const segment = await tenant.findOwn('segments', params.id)
    await bouncer.with(SegmentPolicy).authorize('update', segment)
    return view.render('pages/segments/form', {
      ...(await LoadSegmentEditor.handle(tenant)),
      segment,
      usedBy: await FindMailingsUsing.handle({ segment }),
      rows: rowsAfterRefusal(session) ?? conditionRowsOf(segment.definition),
      preview: await PreviewSegment.handle(tenant, segment.definition),
    })
  }

  async update({ request, response, params, bouncer, tenant, session, auth }: HttpContext) {
    const segment = await tenant.findOwn('segments', params.id)
    await bouncer.with(SegmentPolicy).authorize('update', segment)
    const data = await request.validateUsing(segmentValidator, {
      meta: await segmentMeta(tenant, segment.id),
    })
    await SaveSegment.handle({
      actor: actorOf({ auth, request }),
      tenant,
      segment,
      data: { name: data.name, definition: segmentDefinitionOf(data) },
    })

    session.flash('success', flashMessages.segments.saved(segment.name))
    return response.redirect().toRoute('segments.edit', { id: segment.id })
  }

  async destroy({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const segment = await tenant.findOwn('segments', params.id)
    await bouncer.with(SegmentPolicy).authorize('delete', segment)
    const result = await DeleteSegment.handle(actorOf({ auth, request }), segment)

    if (result.deleted) {
      session.flash('success', flashMessages.segments.deleted(segment.name))
      return response.redirect().toRoute('segments.index')
    }
    session.flash('error', flashMessages.segments.notDeleted(result.usedBy))
    return response.redirect().toRoute('segments.edit', { id: segment.id })
  }

  /**
   * The editor's buttons other than Save: `intent` is `add`, `remove:<n>`,
   * `refresh` (a field changed: draw its operators and value input) or
   * `preview`. Shows the form again as posted (nothing is saved); a preview
   * checks the conditions first (a refusal goes back to the form with the
   * errors beside the fields) and shows the count and the sample.
   */
  async editor({ request, view, params, bouncer, tenant }: HttpContext) {
    const segment = await editedSegment({ params, bouncer, tenant })
    const intent = String(request.input('intent', 'preview'))
    let rows = postedRows(request.input('conditions'))
    let preview = null

    if (intent === 'add') {
      if (rows.length < SEGMENT_MAX_CONDITIONS) rows = [...rows, BLANK_ROW]
    } else if (intent.startsWith('remove:')) {
      const index = Number(intent.slice('remove:'.length))
      rows = rows.filter((_, position) => position !== index)
    } else if (intent === 'preview') {
      const data = await request.validateUsing(segmentPreviewValidator, {
        meta: await segmentMeta(tenant, segment?.id),
      })
      preview = await PreviewSegment.handle(tenant, segmentDefinitionOf(data))
    }

    return view.render('pages/segments/form', {
      ...(await LoadSegmentEditor.handle(tenant)),
      segment,
      usedBy: segment ? await FindMailingsUsing.handle({ segment }) : null,
      rows: rows.length > 0 ? rows : [BLANK_ROW],
      preview,
      posted: { name: request.input('name', ''), match: request.input('match', 'all') },
    })
  }

  /**
   * A refused preview or save from the editor's own page (a POST) comes
   * back here: to the editor of the segment, with the errors.
   */
  async editorBack({ response, params, session, bouncer, tenant }: HttpContext) {
    await editedSegment({ params, bouncer, tenant })
    session.reflash()
    if (params.id) return response.redirect().toRoute('segments.edit', { id: params.id })
    return response.redirect().toRoute('segments.create')
  }

  /**
   * `POST /segments/preview` → `{ count, pending, sample }` for the editor's live
   * count: the same check and evaluation as the Preview button.
   */
  async preview({ request, bouncer, tenant }: HttpContext) {
    await bouncer.with(SegmentPolicy).authorize('preview')
    const data = await request.validateUsing(segmentPreviewValidator, {
      meta: await segmentMeta(tenant),
    })
    const { count, pending, sample } = await PreviewSegment.handle(
      tenant,
      segmentDefinitionOf(data)
    )
    return {
      count,
      pending,
      sample: sample.map(({ id, email, fullName }) => ({ id, email, fullName })),
    }
  }

  /**
   * `GET /segments/:id/count` → `{ count }`, asked by the segments list for
   * each row (counted at most once a minute per segment).
   */
  async count({ params, bouncer, tenant }: HttpContext) {
    const segment = await tenant.findOwn('segments', params.id)
    await bouncer.with(SegmentPolicy).authorize('view', segment)
    return { count: await CountSegment.handle(tenant, segment) }
  }
}

async function editedSegment({
  params,
  bouncer,
  tenant,
}: Pick<HttpContext, 'params' | 'bouncer' | 'tenant'>): Promise<Segment | null> {
  if (!params.id) {
    await bouncer.with(SegmentPolicy).authorize('create')
    return null
  }
  const segment = await tenant.findOwn('segments', params.id)
  await bouncer.with(SegmentPolicy).authorize('update', segment)
  return segment
}

/**
 * The rows of a form that was refused, as it was sent (the flashed old
 * input), so the editor shows them again beside their errors.
 */
function rowsAfterRefusal(session: HttpContext['session']) {
  const old = session.flashMessages.get('conditions')
  return old === undefined || old === null ? null : postedRows(old)
}
