import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import string from '@adonisjs/core/helpers/string'
import { DateTime } from 'luxon'
import ClientPolicy from '#policies/client_policy'
import ImportClients, { REPORTED_ROWS_LIMIT } from '#actions/clients/import_clients'
import { findClientFilters } from '#audiences/client_filters'
import ExportClients from '#actions/clients/export_clients'
import { clientListValidator } from '#validators/client'
import { clientImportValidator, MAX_IMPORT_FILE_SIZE } from '#validators/client_import'

export default class ClientImportsController {
  async create({ view, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    return view.render('pages/clients/import', {
      maxFileSize: MAX_IMPORT_FILE_SIZE,
      maxFileBytes: string.bytes.parse(MAX_IMPORT_FILE_SIZE),
    })
  }

  /**
   * Imports the file during the request (100,000 rows take a few seconds,
   * other requests are served meanwhile) and shows the report. The report is
   * rendered, not flashed: it can list hundreds of rows.
   */
  async store({ request, view, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    // The upload's temporary file is removed after the request by
    // app/middleware/multipart_middleware.ts, whatever happens here.
    const { file } = await request.validateUsing(clientImportValidator)
    const report = await ImportClients.handle(actorOf({ auth, request }), tenant, file.tmpPath!)
    return view.render('pages/clients/import_report', {
      report,
      fileName: file.clientName,
      reportedRowsLimit: REPORTED_ROWS_LIMIT,
    })
  }

  /**
   * The list as CSV, with its current search, filters and sort, streamed.
   */
  async export({ request, response, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const [, filters] = await clientListValidator.tryValidate(request.qs())
    const { sort, dir } = filters ?? {}
    const narrowed = await findClientFilters(tenant, filters ?? {})

    const day = DateTime.now().setZone(tenant.timeZone).toISODate()
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="clients-${day}.csv"`)
    response.header('cache-control', 'no-store')
    response.stream(await ExportClients.handle(tenant, { ...narrowed, sort, dir }))
  }
}
