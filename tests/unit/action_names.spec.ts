import { test } from '@japa/runner'
import { readdir } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import app from '@adonisjs/core/services/app'

/**
 * The verbs actions start with. A new action with a verb not yet here adds
 * it; a noun ("client_form_options") is the name of a helper, which lives
 * beside its domain instead (app/services/<domain>/, app/<domain>/).
 * "bulk" is the first half of one verb (bulk upsert).
 */
const VERBS = new Set(
  (
    'accept add archive block build bulk change check confirm count create deliver delete ' +
    'disable dispatch drain duplicate enable end export find forget get import invite leave ' +
    'list load log open pause pick preview prune publish purge read recheck record redeliver ' +
    'regenerate remove render replace request resend reset resubscribe resume revoke rotate ' +
    'save search send sign start submit suppress tag transfer unblock unpublish unsubscribe ' +
    'update upsert verify'
  ).split(' ')
)

async function actionFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? actionFiles(join(folder, entry.name)) : [join(folder, entry.name)]
    )
  )
  return files.flat().filter((file) => file.endsWith('.ts'))
}

function className(file: string) {
  return basename(file, '.ts')
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
}

test.group('Action names', () => {
  test('every file under app/actions is a verb_noun class with a static handle', async ({
    assert,
  }) => {
    const root = app.makePath('app/actions')
    const files = await actionFiles(root)
    assert.isAbove(files.length, 100)
    for (const file of files) {
      const name = relative(root, file)
      const words = basename(file, '.ts').split('_')
      assert.isTrue(words.length >= 2 && VERBS.has(words[0]), `${name}: not verb_noun`)
      const { default: action } = await import(file)
      assert.isFunction(action, `${name}: no default export class`)
      assert.equal(action.name, className(file), `${name}: class named after its file`)
      assert.isFunction(action.handle, `${name}: no static handle`)
    }
  })
})
