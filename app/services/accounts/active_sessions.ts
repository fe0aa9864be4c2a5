import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import string from '@adonisjs/core/helpers/string'
import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { SessionCollection } from '@adonisjs/session'
import { SESSION_AGE } from '#config/session'
import { describeDevice } from '#services/accounts/device_names'

/**
 * The record of each user's logged-in sessions: which device, from which
 * IP, since when, last seen when. It is also the list of sessions allowed
 * to be logged in: SilentAuthMiddleware logs out a session that is not in
 * it. That second role is why it exists beside the session store. Ending a
 * session deletes it from the store, but a request of that session already
 * under way still commits its session data at the end and would bring it
 * back; checked against this record, such a session is refused on its next
 * request whatever the store holds.
 *
 * Kept in Redis, not in a `user_sessions` table: the sessions themselves
 * live in Redis (config/session.ts), so the record lives and dies with them
 * (a flushed Redis cannot leave a list of ghosts, and entries expire like
 * sessions do), and "last seen" writes stay off the database. Layout, per
 * user: a set of session ids (`user_sessions:<user id>`) and one key per
 * session (`user_sessions:<user id>:<session id>`, JSON) that expires a
 * little after the session would: "last seen" is written at most once a
 * minute, and each write pushes both expiries back.
 *
 * An entry also notes the "remember me" token its device holds (read from
 * the device's cookie on its requests), so that ending the session deletes
 * that token too; otherwise the device would log itself back in. An ended
 * session leaves a note of why (`ended_sessions:<session id>`, for as long
 * as the session could have lived), so the device's next request can say
 * so instead of silently showing the log-in page.
 */

export interface ActiveSession {
  /** Names the session in pages and URLs; the session id itself never leaves the cookie. */
  handle: string
  /** The session of the request asking. */
  current: boolean
  device: string
  ip: string
  createdAt: DateTime
  lastSeenAt: DateTime
}

interface Entry {
  device: string
  ip: string
  createdAt: string
  lastSeenAt: string
  rememberTokenId?: string
}

/** "Last seen" is rewritten at most this often. */
const SEEN_EVERY_MS = 60_000

/** An entry outlives its session's last request by the session age plus slack. */
const TTL_SECONDS = string.seconds.parse(SESSION_AGE) + (2 * SEEN_EVERY_MS) / 1000

const indexKey = (userId: number) => `user_sessions:${userId}`
const entryKey = (userId: number, sessionId: string) => `user_sessions:${userId}:${sessionId}`
const endedKey = (sessionId: string) => `ended_sessions:${sessionId}`

/**
 * Why a session was ended, told to whoever comes back with its cookie.
 */
export type EndReason = 'blocked' | 'ended'

let store: Promise<SessionCollection> | undefined
function sessionStore() {
  store ??= app.container.make(SessionCollection)
  return store
}

const handleOf = (sessionId: string) =>
  createHash('sha256').update(sessionId).digest('hex').slice(0, 24)

function toSession(id: string, entry: Entry, currentId?: string): ActiveSession {
  return {
    handle: handleOf(id),
    current: id === currentId,
    device: entry.device,
    ip: entry.ip,
    createdAt: DateTime.fromISO(entry.createdAt),
    lastSeenAt: DateTime.fromISO(entry.lastSeenAt),
  }
}

/**
 * Adds a session that has just logged in.
 */
export async function registerSession(
  userId: number,
  sessionId: string,
  client: { userAgent?: string; ip: string }
) {
  const now = DateTime.now().toISO()
  const entry: Entry = {
    device: describeDevice(client.userAgent),
    ip: client.ip,
    createdAt: now,
    lastSeenAt: now,
  }
  await redis
    .multi()
    .set(entryKey(userId, sessionId), JSON.stringify(entry), 'EX', TTL_SECONDS)
    .sadd(indexKey(userId), sessionId)
    .expire(indexKey(userId), TTL_SECONDS)
    .exec()
}

/**
 * Whether a session is still one of the user's live ones; notes the visit
 * (time and IP) if the last note is a minute old or more, and the device's
 * "remember me" token when it changes. `XX` writes only over an existing
 * entry, so a session ended meanwhile stays ended.
 */
export async function sessionSeen(
  userId: number,
  sessionId: string,
  visit: { ip: string; rememberTokenId?: string }
) {
  const raw = await redis.get(entryKey(userId, sessionId))
  if (!raw) return false

  const entry: Entry = JSON.parse(raw)
  const rememberTokenId = visit.rememberTokenId ?? entry.rememberTokenId
  if (
    Date.now() - Date.parse(entry.lastSeenAt) >= SEEN_EVERY_MS ||
    rememberTokenId !== entry.rememberTokenId
  ) {
    const seen: Entry = {
      ...entry,
      ip: visit.ip,
      rememberTokenId,
      lastSeenAt: DateTime.now().toISO(),
    }
    await redis
      .multi()
      .set(entryKey(userId, sessionId), JSON.stringify(seen), 'EX', TTL_SECONDS, 'XX')
      .expire(indexKey(userId), TTL_SECONDS)
      .exec()
  }
  return true
}

/**
 * The user's live sessions, most recently seen first (`currentId`: the
 * asking request's session). Entries whose session has expired or been
 * deleted from the store are dropped.
 */
export async function listSessions(userId: number, currentId?: string): Promise<ActiveSession[]> {
  const ids = await redis.smembers(indexKey(userId))
  if (ids.length === 0) return []

  const raws = await redis.mget(ids.map((id) => entryKey(userId, id)))
  const sessions = await sessionStore()
  const live: ActiveSession[] = []
  const gone: string[] = []
  for (const [index, id] of ids.entries()) {
    const raw = raws[index]
    if (raw && (await sessions.get(id))) live.push(toSession(id, JSON.parse(raw), currentId))
    else gone.push(id)
  }
  if (gone.length > 0) {
    await redis.srem(indexKey(userId), ...gone)
    await redis.del(...gone.map((id) => entryKey(userId, id)))
  }
  return live.sort((a, b) => b.lastSeenAt.toMillis() - a.lastSeenAt.toMillis())
}

interface EndOptions {
  /** The caller's transaction, if any. */
  client?: QueryClientContract
  /** Noted (for the session's lifetime) for the device's next request. */
  reason?: EndReason
}

/**
 * Ends one of the user's sessions: out of the record, deleted from the
 * session store (so its cookie opens nothing any more) and its device's
 * "remember me" token deleted. False when the id is not one of this user's
 * sessions (nothing is touched then).
 */
export async function endSession(
  userId: number,
  sessionId: string,
  { client = db.connection(), reason }: EndOptions = {}
) {
  const removed = await redis.srem(indexKey(userId), sessionId)
  if (removed === 0) return false
  if (reason) await redis.set(endedKey(sessionId), reason, 'EX', TTL_SECONDS)
  const raw = await redis.get(entryKey(userId, sessionId))
  const rememberTokenId = raw ? (JSON.parse(raw) as Entry).rememberTokenId : undefined
  await redis.del(entryKey(userId, sessionId))
  const sessions = await sessionStore()
  await sessions.destroy(sessionId)
  if (rememberTokenId) {
    await client
      .from('remember_me_tokens')
      .where({ id: Number(rememberTokenId), tokenable_id: userId })
      .delete()
  }
  return true
}

/**
 * Ends every session of the user, or every one but `except`. Returns how
 * many were ended. `client`: the caller's transaction, if any.
 */
export async function endSessions(
  userId: number,
  { except, ...options }: EndOptions & { except?: string } = {}
) {
  const ids = await redis.smembers(indexKey(userId))
  let ended = 0
  for (const id of ids) {
    if (id !== except && (await endSession(userId, id, options))) ended += 1
  }
  return ended
}

/**
 * Why the session a cookie names was ended, if it was; read once.
 */
export async function takeEndReason(sessionId: string) {
  const reason = await redis.get(endedKey(sessionId))
  if (reason) await redis.del(endedKey(sessionId))
  return reason as EndReason | null
}

/**
 * Ends the user's session that a handle (from the sessions page) names.
 * False when no session of this user has that handle.
 */
export async function endSessionByHandle(userId: number, handle: string) {
  const ids = await redis.smembers(indexKey(userId))
  const id = ids.find((candidate) => handleOf(candidate) === handle)
  return id ? endSession(userId, id, { reason: 'ended' }) : false
}
