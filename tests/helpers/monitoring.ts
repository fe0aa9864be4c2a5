import env from '#start/env'

export const HEALTH_TOKEN = env.get('HEALTH_TOKEN')!
export const METRICS_TOKEN = env.get('METRICS_TOKEN')!

/**
 * A URL of the in-process test server (the suite's web server).
 */
export function appUrl(path: string) {
  return `http://localhost:${env.get('PORT')}${path}`
}

/**
 * Scrapes /metrics at `url` with METRICS_TOKEN and reads the samples.
 */
export async function scrape(url: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return parseMetrics(await response.text())
}

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/**
 * The Prometheus text format, as far as prom-client writes it: the samples,
 * and the metric names its `# TYPE` lines declare (with the series names
 * a histogram or summary implies).
 */
export function parseMetrics(text: string) {
  const samples: Sample[] = []
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)$/.exec(line)
    if (type) {
      const [, name, kind] = type
      names.add(name)
      if (kind === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix)
      continue
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!sample) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value
    }
    samples.push({ name: sample[1], labels, value: Number(sample[3]) })
    names.add(sample[1])
  }
  return {
    samples,
    names,
    /**
     * The sum of the samples named `name` whose labels include `labels`.
     */
    value(name: string, labels: Record<string, string> = {}) {
      return samples
        .filter(
          (one) =>
            one.name === name &&
            Object.entries(labels).every(([key, value]) => one.labels[key] === value)
        )
        .reduce((total, one) => total + one.value, 0)
    },
  }
}
