import type { ApiClient } from '@japa/api-client'
import User from '#models/user'
import { TOKEN_ABILITIES, type TokenAbility } from '#api/abilities'
import { assertMatchesOpenApi } from '#tests/helpers/openapi'

/**
 * A personal access token of the user (all abilities unless told), as the
 * bearer secret.
 */
export async function createToken(
  user: User,
  abilities: readonly TokenAbility[] = TOKEN_ABILITIES,
  options: { expiresIn?: string; name?: string } = {}
) {
  const token = await User.accessTokens.create(user, [...abilities], {
    name: options.name ?? 'test',
    expiresIn: options.expiresIn,
  })
  return token.value!.release()
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Options = { body?: unknown; headers?: Record<string, string> }

/**
 * Calls the API as a token would, and checks every response against the
 * OpenAPI document (status, content type, schema, rate-limit headers).
 */
export function api(client: ApiClient, token?: string) {
  const send = async (method: Method, path: string, options: Options = {}) => {
    const request = client.request(`/api/v1${path}`, method.toUpperCase())
    if (token) request.bearerToken(token)
    for (const [name, value] of Object.entries(options.headers ?? {})) request.header(name, value)
    if (options.body !== undefined) request.json(options.body as any)
    const response = await request
    assertMatchesOpenApi(method, path, response)
    return response
  }
  return {
    get: (path: string, options?: Options) => send('get', path, options),
    post: (path: string, body?: unknown, options?: Options) =>
      send('post', path, { ...options, body }),
    put: (path: string, body?: unknown, options?: Options) =>
      send('put', path, { ...options, body }),
    patch: (path: string, body?: unknown, options?: Options) =>
      send('patch', path, { ...options, body }),
    delete: (path: string, options?: Options) => send('delete', path, options),
  }
}

/**
 * The status a call answered, for tables of expectations.
 */
export async function statusOf(call: Promise<{ status(): number }>) {
  const response = await call
  return response.status()
}
