import type User from '#models/user'
import { listSessions } from '#services/accounts/active_sessions'

/**
 * Where the user is logged in, most recently seen first; `currentId` (the
 * asking request's session) is marked as this device.
 */
export default class ListActiveSessions {
  static handle(user: User, currentId?: string) {
    return listSessions(user.id, currentId)
  }
}
