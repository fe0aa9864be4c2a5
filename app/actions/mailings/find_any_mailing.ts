import Mailing from '#models/mailing'

/**
 * A mailing of any workspace by id, for staff in the admin panel (its
 * policies decide who may see it); 404 for one that does not exist.
 * Workspace pages use tenant.findOwn or FindViewableMailing instead.
 */
export default class FindAnyMailing {
  static handle(id: number | string) {
    return Mailing.findOrFail(id)
  }
}
