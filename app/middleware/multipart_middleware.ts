import { randomUUID } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import string from '@adonisjs/core/helpers/string'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import uploadsConfig from '#config/uploads'

/**
 * Reads multipart/form-data bodies in place of the body parser (whose
 * automatic processing is off in config/bodyparser.ts). It runs after the
 * session and the silent log-in check and before the CSRF check, which needs
 * the form's `_csrf` field:
 *
 * - a route of `uploadsConfig.routes`, for a logged-in user: its file fields
 *   are written to `uploadsConfig.tmpPath`, each stopped at its size limit;
 * - the same route for nobody logged in: the body is not read at all (the
 *   route's auth middleware answers);
 * - any other route, or another file field: fields are read, and the first
 *   file part is refused with 415 before any of it is written.
 *
 * Every file written is removed when the request ends, whether the
 * controller moved it, refused it or threw.
 */
export default class MultipartMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request } = ctx
    const multipart = request.multipart
    if (!multipart || multipart.state !== 'idle' || !request.is(['multipart/form-data'])) {
      return next()
    }

    const accepted = uploadsConfig.routes[ctx.route?.name ?? '']
    if (accepted && !ctx.auth.isAuthenticated) return next()

    const written: WriteStream[] = []
    sweepStaleUploads()
    try {
      for (const [field, size] of Object.entries(accepted ?? {})) {
        const maxBytes = bytesOf(size)
        // Validated afterwards (vine.file({ size })), from the size of
        // everything sent; only the first maxBytes of it are ever written.
        multipart.onFile(field, { deferValidations: true }, async (part, reportChunk) => {
          await mkdir(uploadsConfig.tmpPath, { recursive: true })
          const file = createWriteStream(join(uploadsConfig.tmpPath, randomUUID()))
          written.push(file)
          part.pause()
          part.on('data', reportChunk)
          await pipeline(part, upTo(maxBytes), file)
          return { tmpPath: file.path as string }
        })
      }
      multipart.onFile('*', {}, async (part) => {
        part.resume()
        multipart.abort(refusedFile(part.name, accepted))
      })

      await multipart.process({ limit: totalLimit(accepted) })
      return await next()
    } finally {
      await Promise.all(written.map(removeFile))
    }
  }
}

/**
 * A file stops being written at its size limit, but the rest of it is
 * still read (and dropped) so that it is refused beside its field with the
 * size message rather than with a bare 413: the body's file bytes may go
 * this far past the route's file sizes.
 */
const READ_PAST_LIMIT = 5 * 1024 * 1024

function bytesOf(size: string) {
  return string.bytes.parse(size) ?? 0
}

function totalLimit(accepted: Record<string, string> | undefined) {
  const sizes = Object.values(accepted ?? {}).map(bytesOf)
  return sizes.reduce((total, size) => total + size, READ_PAST_LIMIT)
}

/**
 * Passes chunks on until `maxBytes` have passed, then drops the rest while
 * the body is still read to its end (the request then answers normally).
 */
function upTo(maxBytes: number) {
  return async function* (chunks: AsyncIterable<Buffer>) {
    let total = 0
    for await (const chunk of chunks) {
      total += chunk.length
      if (total <= maxBytes) yield chunk
    }
  }
}

function refusedFile(field: string, accepted: Record<string, string> | undefined) {
  const message = accepted
    ? `This form takes files only in ${Object.keys(accepted).join(', ')}, not in "${field}"`
    : 'This address takes no file uploads'
  return new Exception(message, { status: 415, code: 'E_UNSUPPORTED_MEDIA_TYPE' })
}

/**
 * Closes the file (it may still be opening if the request failed early,
 * and would be created after an early removal) and removes it. A file the
 * controller moved away is already gone.
 */
async function removeFile(file: WriteStream) {
  if (!file.closed) {
    const closed = once(file, 'close')
    file.destroy()
    await closed
  }
  await rm(file.path, { force: true })
}

/**
 * A process killed in the middle of an upload cannot remove its file. Once
 * an hour at most, an upload request also removes files older than an hour
 * (no request runs that long; younger ones may be another process's).
 */
const STALE_AFTER = 60 * 60 * 1000
let lastSweep = 0

function sweepStaleUploads() {
  if (Date.now() - lastSweep < STALE_AFTER) return
  lastSweep = Date.now()
  removeStaleUploads().catch(() => {})
}

export async function removeStaleUploads(now = Date.now()) {
  const names = await readdir(uploadsConfig.tmpPath).catch(() => [])
  for (const name of names) {
    const path = join(uploadsConfig.tmpPath, name)
    const info = await stat(path).catch(() => null)
    if (info?.isFile() && now - info.mtimeMs > STALE_AFTER) await rm(path, { force: true })
  }
}
