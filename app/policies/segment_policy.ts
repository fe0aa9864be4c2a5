import type User from '#models/user'
import type Segment from '#models/segment'
import AppPolicy from '#policies/app_policy'

/**
 * Segments are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class SegmentPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  view(user: User, segment: Segment) {
    return this.ownsRecord(user, segment)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, segment: Segment) {
    return this.mayEdit(user, segment)
  }

  delete(user: User, segment: Segment) {
    return this.mayEdit(user, segment)
  }

  /**
   * The editor's live count: part of writing a segment, so editors and up.
   */
  preview(user: User) {
    return this.mayEdit(user)
  }
}
