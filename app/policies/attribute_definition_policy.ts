import type User from '#models/user'
import type AttributeDefinition from '#models/attribute_definition'
import AppPolicy from '#policies/app_policy'

/**
 * A workspace's custom attributes are its own, like its clients: nobody
 * else sees or changes them, staff included.
 */
export default class AttributeDefinitionPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, definition: AttributeDefinition) {
    return this.mayEdit(user, definition)
  }

  delete(user: User, definition: AttributeDefinition) {
    return this.mayEdit(user, definition)
  }
}
