/**
 * Cookies (the session's, the app's) carry `Secure` only in production
 * (config/session.ts, config/app.ts). An instance served over https but
 * started without NODE_ENV=production works, and nothing says its session
 * cookie would also travel over plain http (a link to http://, a hostile
 * network on the way). This is what the web server says about it, once,
 * when it starts.
 */
export function insecureCookiesWarning(
  appUrl: string,
  cookies: { name: string; secure: boolean | undefined }[],
  nodeEnv = process.env.NODE_ENV
) {
  if (!appUrl.toLowerCase().startsWith('https:')) return null
  const insecure = cookies.filter((cookie) => !cookie.secure).map((cookie) => cookie.name)
  if (insecure.length === 0) return null
  return (
    `APP_URL is https but ${insecure.join(' and ')} are not marked Secure ` +
    `(NODE_ENV=${nodeEnv}): browsers would also send them over plain http. ` +
    'Set NODE_ENV=production in production.'
  )
}
