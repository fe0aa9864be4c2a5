import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { errors as vineErrors } from '@vinejs/vine'
import AttributeDefinitionPolicy from '#policies/attribute_definition_policy'
import CreateAttribute, {
  AttributeKeyTakenError,
  AttributeLimitError,
} from '#actions/attributes/create_attribute'
import UpdateAttribute, { RemovedChoicesInUseError } from '#actions/attributes/update_attribute'
import DeleteAttribute from '#actions/attributes/delete_attribute'
import { ATTRIBUTE_TYPES } from '#models/attribute_definition'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { usageOfAttribute } from '#audiences/usage'
import {
  createAttributeValidator,
  updateAttributeValidator,
} from '#validators/attribute_definition'
import { tenantMeta } from '#validators/tenant_meta'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Clients → Attributes: the workspace's typed custom fields, each an input
 * of the client form, a CSV column, an API field and a placeholder.
 */
export default class AttributeDefinitionsController {
  async index({ view, tenant, bouncer }: HttpContext) {
    await bouncer.with(AttributeDefinitionPolicy).authorize('viewList')
    const definitions = await attributeDefinitionsOf(tenant.id)
    return view.render('pages/attributes/index', { definitions: [...definitions.values()] })
  }

  async create({ view, bouncer }: HttpContext) {
    await bouncer.with(AttributeDefinitionPolicy).authorize('create')
    return view.render('pages/attributes/create', { types: ATTRIBUTE_TYPES })
  }

  async store({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(AttributeDefinitionPolicy).authorize('create')
    const data = await request.validateUsing(createAttributeValidator, { meta: tenantMeta(tenant) })
    let definition
    try {
      definition = await CreateAttribute.handle(actorOf({ auth, request }), tenant, data)
    } catch (error) {
      // Answered beside the key, as a validation error is.
      if (error instanceof AttributeLimitError || error instanceof AttributeKeyTakenError) {
        throw new vineErrors.E_VALIDATION_ERROR([
          { field: 'key', message: error.message, rule: 'attribute' },
        ])
      }
      throw error
    }

    session.flash('success', flashMessages.attributes.added(definition.label))
    return response.redirect().toRoute('attributes.index')
  }

  async edit({ params, view, tenant, bouncer }: HttpContext) {
    const definition = await tenant.findOwn('attributeDefinitions', params.id)
    await bouncer.with(AttributeDefinitionPolicy).authorize('update', definition)
    const usedBy = await usageOfAttribute(tenant.id, definition)
    return view.render('pages/attributes/edit', { definition, usedBy })
  }

  async update({ params, request, response, tenant, bouncer, session, auth }: HttpContext) {
    const definition = await tenant.findOwn('attributeDefinitions', params.id)
    await bouncer.with(AttributeDefinitionPolicy).authorize('update', definition)
    const data = await request.validateUsing(updateAttributeValidator, {
      meta: { ...tenantMeta(tenant), type: definition.type },
    })
    try {
      await UpdateAttribute.handle(actorOf({ auth, request }), definition, data)
    } catch (error) {
      if (error instanceof RemovedChoicesInUseError) {
        throw new vineErrors.E_VALIDATION_ERROR([
          { field: 'choices', message: error.message, rule: 'attribute.choices.inUse' },
        ])
      }
      throw error
    }

    session.flash('success', flashMessages.attributes.saved(definition.label))
    return response.redirect().toRoute('attributes.index')
  }

  async destroy({ params, response, tenant, bouncer, session, auth, request }: HttpContext) {
    const definition = await tenant.findOwn('attributeDefinitions', params.id)
    await bouncer.with(AttributeDefinitionPolicy).authorize('delete', definition)

    const result = await DeleteAttribute.handle(actorOf({ auth, request }), definition)
    if (!result.deleted) {
      session.flash('error', flashMessages.attributes.notDeleted(definition.label, result.usedBy))
      return response.redirect().toRoute('attributes.edit', { id: definition.id })
    }
    session.flash('success', flashMessages.attributes.deleted(definition.label, result.cleared))
    return response.redirect().toRoute('attributes.index')
  }
}
