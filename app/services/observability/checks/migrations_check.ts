import app from '@adonisjs/core/services/app'
import { BaseCheck, Result } from '@adonisjs/core/health'
import { sourceFiles } from '@adonisjs/lucid/utils'
import db from '@adonisjs/lucid/services/db'

/**
 * Whether every migration file of the release has been applied: the files
 * of the connection's migrations folders (named as Lucid names them,
 * e.g. `database/migrations/8_create_sending_tables`) against the names in
 * Lucid's `adonis_schema` table. A process of a new release started before
 * `node ace migration:run` is not ready: its queries would use columns that
 * do not exist yet.
 *
 * Read only: it never creates the schema table (Lucid's own `getList()`
 * would) nor imports a migration.
 */
export class MigrationsCheck extends BaseCheck {
  name = 'migrations'

  /**
   * The files do not change while the process runs.
   */
  static #files?: Promise<string[]>

  async run() {
    const connection = db.connection()
    const config = db.getRawConnection(connection.connectionName)?.config
    const files = await (MigrationsCheck.#files ??= migrationFiles(config?.migrations))
    const table = config?.migrations?.tableName ?? 'adonis_schema'

    const rows: { name: string }[] = await connection.from(table).select('name')
    const applied = new Set(rows.map((row) => row.name))
    const pending = files.filter((name) => !applied.has(name))
    if (pending.length > 0) {
      return Result.failed(
        `${pending.length} migration(s) not applied: run "node ace migration:run"`
      ).mergeMetaData({ pending })
    }
    return Result.ok(`All ${files.length} migrations applied`)
  }
}

async function migrationFiles(config?: { paths?: string[]; naturalSort?: boolean }) {
  const paths = config?.paths?.length ? config.paths : ['./database/migrations']
  const names: string[] = []
  for (const path of paths) {
    const { files } = await sourceFiles(app.appRoot, path, config?.naturalSort ?? false)
    names.push(...files.map((file) => file.name))
  }
  return names
}
