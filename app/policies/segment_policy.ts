import type User from '#models/user'
import type Segment from '#models/segment'
import AppPolicy from '#policies/app_policy'

/**
 * Segments are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class SegmentPolicy extends AppPolicy {
  viewList(_user: User) {
    return true
  }

  view(user: User, segment: Segment) {
    return this.ownsRecord(user, segment)
  }

  create(_user: User) {
    return true
  }

  update(user: User, segment: Segment) {
    return this.ownsRecord(user, segment)
  }

  delete(user: User, segment: Segment) {
    return this.ownsRecord(user, segment)
  }
}
