import Bowser from 'bowser'

/**
 * A short, readable name for a User-Agent: "Firefox on Windows",
 * "Safari on iOS". Programs and unknown agents keep a trimmed raw string.
 */
export function describeDevice(userAgent: string | undefined) {
  if (!userAgent?.trim()) return 'Unknown device'
  const { browser, os } = Bowser.parse(userAgent)
  if (browser.name && os.name) return `${browser.name} on ${os.name}`
  return browser.name || os.name || userAgent.trim().slice(0, 60)
}
