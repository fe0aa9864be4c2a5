import { createHash } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import redis from '@adonisjs/redis/services/main'
import encryption from '@adonisjs/core/services/encryption'
import apiConfig from '#config/api'
import { ApiProblem } from '#api/problem'

/**
 * What is kept of a finished request, to answer its repeats.
 */
interface StoredResponse {
  state: 'done'
  fingerprint: string
  status: number
  headers: Record<string, string>
  /**
   * Encrypted (APP_KEY): some answers carry a secret (a webhook endpoint's
   * signing secret) that must not sit in Redis in the clear.
   */
  body: string
}

type IdempotencyRecord = { state: 'running'; fingerprint: string } | StoredResponse

/** Headers a replay repeats; the rate-limit ones belong to the new request. */
const REPLAYED_HEADERS = ['location']

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/**
 * `Idempotency-Key` on POST requests (draft-ietf-httpapi-idempotency-key-header):
 * the first request with a key runs and its response is kept in Redis for
 * 24 hours, per token. A repeat with the same method, path and body gets
 * the stored response (with `Idempotent-Replayed: true`); with another
 * body, 422; while the first is still running, 409.
 *
 * Only successes are kept: after an error (validation, 404, 5xx) the key is
 * released, and a retry runs again (and fails the same way, or succeeds).
 */
export default class ApiIdempotencyMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const key = ctx.request.header('idempotency-key')
    if (ctx.request.method() !== 'POST' || key === undefined) return next()
    if (!KEY_PATTERN.test(key)) {
      throw new ApiProblem('bad-request', 'Idempotency-Key must be 1 to 255 printable characters.')
    }

    const token = ctx.auth.use('api').user!.currentAccessToken
    const redisKey = `api:idempotency:${token.identifier}:${key}`
    const fingerprint = fingerprintOf(ctx)

    const running: IdempotencyRecord = { state: 'running', fingerprint }
    const claimed = await redis.set(
      redisKey,
      JSON.stringify(running),
      'EX',
      apiConfig.idempotency.lockSeconds,
      'NX'
    )
    if (!claimed) return replay(ctx, await redis.get(redisKey), fingerprint)

    try {
      await next()
    } catch (error) {
      await redis.del(redisKey)
      throw error
    }
    // Errors are mostly rendered inside next(): what comes back may be a problem.
    if (ctx.response.getStatus() >= 300) {
      await redis.del(redisKey)
      return
    }
    await redis.set(
      redisKey,
      JSON.stringify(storedResponse(ctx, fingerprint)),
      'EX',
      apiConfig.idempotency.ttlSeconds
    )
  }
}

function fingerprintOf(ctx: HttpContext) {
  return createHash('sha256')
    .update(`${ctx.request.method()} ${ctx.request.url()}\n`)
    .update(ctx.request.raw() ?? '')
    .digest('hex')
}

function storedResponse(ctx: HttpContext, fingerprint: string): StoredResponse {
  const headers: Record<string, string> = {}
  for (const name of REPLAYED_HEADERS) {
    const value = ctx.response.getHeader(name)
    if (value !== undefined) headers[name] = String(value)
  }
  // The content type is only decided when the body is written: API
  // successes are JSON objects (or no body at all).
  const body = ctx.response.getBody()
  if (body !== undefined && body !== null) {
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  return {
    state: 'done',
    fingerprint,
    status: ctx.response.getStatus(),
    headers,
    body: body === undefined || body === null ? '' : encryption.encrypt(JSON.stringify(body)),
  }
}

function replay(ctx: HttpContext, stored: string | null, fingerprint: string) {
  // Expired between SET NX and GET: rare enough to ask for a retry.
  if (!stored) throw new ApiProblem('idempotency-in-progress')

  const record = JSON.parse(stored) as IdempotencyRecord
  if (record.fingerprint !== fingerprint) {
    throw new ApiProblem(
      'idempotency-key-reused',
      'This Idempotency-Key was first sent with another method, path or body.'
    )
  }
  if (record.state === 'running') throw new ApiProblem('idempotency-in-progress')

  for (const [name, value] of Object.entries(record.headers)) ctx.response.header(name, value)
  ctx.response.header('Idempotent-Replayed', 'true')
  const body = record.body ? (encryption.decrypt<string>(record.body) ?? '') : ''
  ctx.response.status(record.status).send(body)
}
