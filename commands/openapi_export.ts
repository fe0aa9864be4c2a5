import { writeFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { args, BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Writes the API's OpenAPI document to a file, for `npm run lint:openapi`
 * (redocly) and for client generators.
 */
export default class OpenApiExport extends BaseCommand {
  static commandName = 'openapi:export'
  static description = 'Write the OpenAPI document of /api/v1 to a file'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Where to write it', required: false, default: 'tmp/openapi.json' })
  declare file: string

  async run() {
    const { openApiDocument } = await import('#api/openapi/document')
    await mkdir(dirname(this.file), { recursive: true })
    await writeFile(this.file, `${JSON.stringify(openApiDocument(), null, 2)}\n`)
    this.logger.success(`OpenAPI document written to ${this.file}`)
  }
}
