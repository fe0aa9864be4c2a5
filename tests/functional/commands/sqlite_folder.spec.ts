import { existsSync, rmSync } from 'node:fs'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { runCommand } from '#tests/helpers/processes'

/*
 * tmp/ is not in git: on a fresh clone, whatever opens the SQLite database
 * first (the tests, a benchmark, the build's first migration) must create
 * the folder its file lives in.
 */
test.group('SQLite: the database folder', () => {
  const folder = `tmp/fresh-${Date.now().toString(36)}`

  test('node ace migration:run creates the missing folder of DB_DATABASE ({kind} path)')
    .with([
      { kind: 'relative', path: `${folder}/db.sqlite3`, file: app.makePath(folder, 'db.sqlite3') },
      {
        kind: 'absolute',
        path: app.makePath(folder, 'db.sqlite3'),
        file: app.makePath(folder, 'db.sqlite3'),
      },
    ])
    .run(async ({ assert, cleanup }, { path, file }) => {
      cleanup(() => rmSync(app.makePath(folder), { recursive: true, force: true }))
      assert.isFalse(existsSync(app.makePath(folder)))

      const migrate = await runCommand(process.execPath, ['ace', 'migration:run', '--force'], {
        cwd: app.makePath(),
        env: { ...process.env, NODE_ENV: 'test', DB_CONNECTION: 'sqlite', DB_DATABASE: path },
      })

      assert.equal(migrate.code, 0, migrate.output)
      assert.isTrue(existsSync(file))
    })
})
