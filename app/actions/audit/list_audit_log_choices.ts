import db from '@adonisjs/lucid/services/db'

/**
 * The values the audit log's filters offer: whoever and whatever appears in
 * the log.
 */
export default class ListAuditLogChoices {
  static async handle() {
    const [actors, actions, subjects] = await Promise.all([
      db.from('audit_logs').distinct('actor_id', 'actor_email').orderBy('actor_email'),
      db.from('audit_logs').distinct('action').orderBy('action'),
      db.from('audit_logs').distinct('subject_type').orderBy('subject_type'),
    ])
    return {
      actors: actors.filter((row) => row.actor_id !== null),
      actions: actions.map((row) => row.action as string),
      subjects: subjects.map((row) => row.subject_type as string),
    }
  }
}
