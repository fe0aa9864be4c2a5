/**
 * Fails when a page contains `text` (the api-client asserts only that it does).
 */
export function refute(response: { text(): string }, text: string) {
  if (response.text().includes(text)) throw new Error(`The page should not include "${text}"`)
}
