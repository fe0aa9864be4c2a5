import env from '#start/env'
import { CookieClient } from '@adonisjs/core/http'
import encryption from '@adonisjs/core/services/encryption'

export const FIREFOX_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
export const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

const SESSION_COOKIE = 'mailings-session'
const REMEMBER_COOKIE = 'remember_web'

/**
 * A browser over plain HTTP: a cookie jar, a User-Agent, forms posted with
 * the CSRF token of the page they are on. For tests where a session must
 * live across requests and be copied. Japa's API client cannot do that: its
 * session plugin deletes the session of every response it receives.
 */
export class HttpAgent {
  readonly cookies = new Map<string, string>()

  /**
   * `origin`: another server than the test's own (a WebServerProcess).
   */
  constructor(
    readonly userAgent = FIREFOX_ON_LINUX,
    readonly origin = `http://${env.get('HOST')}:${env.get('PORT')}`
  ) {}

  /**
   * A second browser holding copies of this one's cookies (all of them, or
   * the ones named).
   */
  copy(names?: string[]) {
    const other = new HttpAgent(this.userAgent, this.origin)
    for (const [name, value] of this.cookies) {
      if (!names || names.includes(name)) other.cookies.set(name, value)
    }
    return other
  }

  /** The copy of only the "remember me" cookie, as a thief might hold it. */
  copyRememberMe() {
    return this.copy([REMEMBER_COOKIE])
  }

  forget(name: string) {
    this.cookies.delete(name)
  }

  /** The session id inside the (signed) session cookie. */
  get sessionId(): string | undefined {
    const raw = this.cookies.get(SESSION_COOKIE)
    return raw
      ? new CookieClient(encryption).unsign(SESSION_COOKIE, decodeURIComponent(raw))
      : undefined
  }

  async request(method: string, path: string, form?: Record<string, string>) {
    const response = await fetch(`${this.origin}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        'user-agent': this.userAgent,
        'cookie': [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
    })
    for (const line of response.headers.getSetCookie()) this.#store(line)
    return { status: response.status, location: response.headers.get('location'), response }
  }

  get(path: string) {
    return this.request('GET', path)
  }

  /** The HTML of a page. */
  async html(path: string) {
    const { response } = await this.get(path)
    return response.text()
  }

  /**
   * Opens `page`, then posts `fields` to `action` with the page's CSRF token.
   */
  async submit(page: string, action: string, fields: Record<string, string> = {}) {
    const opened = await this.get(page)
    const html = await opened.response.text()
    const csrf = /name='_csrf' value='([^']+)'/.exec(html)?.[1]
    if (!csrf) throw new Error(`No CSRF field on ${page} (status ${opened.status})`)
    return this.request('POST', action, { ...fields, _csrf: csrf })
  }

  async logIn(email: string, password: string, { rememberMe = false } = {}) {
    const response = await this.submit('/login', '/login', {
      email,
      password,
      ...(rememberMe ? { rememberMe: 'true' } : {}),
    })
    if (response.location !== '/dashboard') {
      throw new Error(`Log-in failed: ${response.status} → ${response.location}`)
    }
    return response
  }

  /**
   * Whether this browser is let into the dashboard (200) or sent to log in.
   */
  async isLoggedIn() {
    const { status, location } = await this.get('/dashboard')
    if (status === 200) return true
    if (status === 302 && location === '/login') return false
    throw new Error(`Unexpected answer from /dashboard: ${status} ${location}`)
  }

  #store(setCookie: string) {
    const [pair, ...attributes] = setCookie.split(';')
    const separator = pair.indexOf('=')
    const name = pair.slice(0, separator).trim()
    const value = pair.slice(separator + 1).trim()
    const expired = attributes.some((attribute) => {
      const [key, setting = ''] = attribute.trim().split('=')
      if (/^max-age$/i.test(key)) return Number(setting) <= 0
      if (/^expires$/i.test(key)) return Date.parse(setting) < Date.now()
      return false
    })
    if (expired || value === '') this.cookies.delete(name)
    else this.cookies.set(name, value)
  }
}
