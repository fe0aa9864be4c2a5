import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import { fileTypeFromFile } from 'file-type'
import blogConfig from '#config/blog'

/**
 * Cover images of blog posts: what is accepted, where the files live and
 * under which names. A name is random and never reused, so the files can be
 * served with year-long immutable caching.
 */

/**
 * Image types accepted, by what the file's content is (not its name).
 */
export const COVER_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
}

export const COVER_EXTNAMES = ['jpg', 'jpeg', 'png', 'webp', 'gif']

/**
 * A stored cover's file name: 32 hex characters and the type's extension.
 */
export const COVER_NAME = /^[a-f0-9]{32}\.(?:jpg|png|webp|gif)$/

export const coversPath = () => join(blogConfig.uploadsPath, 'covers')

export const coverPath = (name: string) => join(coversPath(), name)

/**
 * The extension for an uploaded file's real content, or null when it is not
 * one of the accepted image types (a text file named .png, say).
 */
export async function detectCoverExtension(tmpPath: string) {
  const type = await fileTypeFromFile(tmpPath)
  return (type && COVER_TYPES[type.mime]) ?? null
}

/**
 * Moves a validated upload into the covers folder under a new random name
 * and returns that name.
 */
export async function storeCover(file: MultipartFile) {
  const extension = await detectCoverExtension(file.tmpPath!)
  if (!extension) throw new Error('storeCover expects a validated image')
  const name = `${randomBytes(16).toString('hex')}.${extension}`
  await mkdir(coversPath(), { recursive: true })
  await file.move(coversPath(), { name, overwrite: false })
  return name
}

/**
 * Removes a cover that no post uses any more.
 */
export async function removeCover(name: string | null) {
  if (name && COVER_NAME.test(name)) await rm(coverPath(name), { force: true })
}
