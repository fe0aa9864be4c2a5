import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import { sqlTime } from '#services/database/sql_time'

let fileSequence = 0

const uploadsFolder = () => app.tmpPath('test-uploads', String(process.pid))

/**
 * Writes a real file under tmp/ for an upload, and returns its path.
 */
export async function writeUpload(name: string, content: string | Buffer) {
  fileSequence += 1
  const folder = join(uploadsFolder(), String(fileSequence))
  await mkdir(folder, { recursive: true })
  const path = join(folder, name)
  await writeFile(path, content)
  return path
}

/**
 * Removes this run's upload files (a group's teardown).
 */
export async function removeUploads() {
  await rm(uploadsFolder(), { recursive: true, force: true })
}

/**
 * Saves clients straight into the database (500 per statement), all with the
 * same creation time unless given: ties are what pagination must get right.
 */
export async function insertClients(
  tenant: Tenant,
  clients: { email: string; fullName?: string; comment?: string | null; createdAt?: string }[]
) {
  const now = sqlTime()
  for (let start = 0; start < clients.length; start += 500) {
    await db.table('clients').multiInsert(
      clients.slice(start, start + 500).map((client) => ({
        tenant_id: tenant.id,
        email: client.email,
        full_name: client.fullName ?? '',
        comment: client.comment ?? null,
        created_at: client.createdAt ?? now,
        updated_at: client.createdAt ?? now,
      }))
    )
  }
}

/**
 * The emails of the list's rows, in order, from the page's HTML.
 */
export function emailsInList(html: string) {
  return [...html.matchAll(/aria-label="Select ([^"]+@[^"]+)"/g)].map((match) => match[1])
}

/**
 * A link of the page (`rel="next"`...), ready to request.
 */
export function linkWithRel(html: string, rel: 'next' | 'prev') {
  const match = new RegExp(`href="([^"]+)" rel="${rel}"`).exec(html)
  return match ? match[1].replaceAll('&amp;', '&') : null
}

export async function clientEmailsOf(tenant: Tenant) {
  const rows = await db
    .from('clients')
    .where('tenant_id', tenant.id)
    .orderBy('email')
    .select('email')
  return rows.map((row) => row.email as string)
}

function unescapeHtml(text: string) {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

/**
 * The figures of the import report page: created, updated, skipped, invalid.
 */
export function reportFigures(html: string) {
  const figure = (key: string) => {
    const match = new RegExp(`data-testid="import-${key}">([\\d,]+)<`).exec(html)
    if (!match) throw new Error(`No "${key}" figure in the report:\n${html}`)
    return Number(match[1].replaceAll(',', ''))
  }
  return {
    created: figure('created'),
    updated: figure('updated'),
    skipped: figure('skipped'),
    invalid: figure('invalid'),
  }
}

/**
 * The rows listed in a section of the report ("invalid" or "duplicates").
 */
export function reportedRows(html: string, section: 'invalid' | 'duplicates') {
  const start = html.indexOf(`data-testid="import-${section}-rows"`)
  if (start === -1) return []
  const end = html.indexOf('</table>', start)
  const table = html.slice(start, end)
  return [
    ...table.matchAll(
      /<td class="font-monospace">(\d+)<\/td>\s*<td class="text-break">([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g
    ),
  ].map((match) => ({
    line: Number(match[1]),
    email: unescapeHtml(match[2]),
    reason: unescapeHtml(match[3]),
  }))
}
