import type { ApiClient } from '@japa/api-client'

type Fields = Record<string, unknown>

/**
 * A form submitted as a browser does it: with the session's CSRF token. The
 * app answers a form with a redirect, which is not followed, so the test sees
 * where it points and what it flashed. Chain `.loginAs(user)` for a page
 * behind log in; without fields, chain `.field()`/`.file()` for a multipart
 * form.
 */
export function submitForm(client: ApiClient, method: string, url: string, fields?: Fields) {
  const request = client.request(url, method.toUpperCase()).withCsrfToken().redirects(0)
  return fields ? request.form(fields) : request
}

export function postForm(client: ApiClient, url: string, fields?: Fields) {
  return submitForm(client, 'POST', url, fields)
}

export function putForm(client: ApiClient, url: string, fields?: Fields) {
  return submitForm(client, 'PUT', url, fields)
}

export function deleteForm(client: ApiClient, url: string, fields?: Fields) {
  return submitForm(client, 'DELETE', url, fields)
}
