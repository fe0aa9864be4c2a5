import type User from '#models/user'
import { endSessionByHandle } from '#services/accounts/active_sessions'

/**
 * Ends one of the user's sessions, named by its handle on the sessions
 * page. Looked up in the user's own record: another user's session ends
 * nothing (false).
 */
export default class EndActiveSession {
  static handle(user: User, handle: string) {
    return endSessionByHandle(user.id, handle)
  }
}
