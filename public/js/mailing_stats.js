// The mailing page's statistics (resources/views/components/mailing_stats.edge):
// draws the chart of sends over time and, while a run is sending, polls the
// mailing's numbers every 2 seconds to move the progress bar and the
// counters, until no run is running. Loaded as a file: the CSP forbids inline
// scripts, so the page hands over what it knows in data-* attributes.

const POLL_INTERVAL_MS = 2000

const RUN_STATUS_CLASSES = {
  running: 'text-bg-primary',
  paused: 'text-bg-warning',
  completed: 'text-bg-success',
  missed: 'text-bg-danger',
}

const section = document.querySelector('[data-mailing-stats]')
if (section) watch(section)

function watch(section) {
  const chart = sendsChart(section)
  const formatTime = timeFormatter(section.dataset.timeZone)
  const progress = section.querySelector('[data-run-progress]')
  if (progress) {
    const { total, sent, failed, skipped } = progress.dataset
    showProgress(progress, {
      total: Number(total),
      sent: Number(sent),
      failed: Number(failed),
      skipped: Number(skipped),
    })
  }

  // One request at a time: the next is planned when the last has answered.
  // A failed request (server restarting, network hiccup) is tried again.
  let running = section.dataset.running === 'true'
  const poll = async () => {
    try {
      const stats = await fetchStats(section.dataset.statsUrl, chart?.position())
      running = stats.running
      showRuns(section, stats, formatTime)
      if (progress) {
        const run = stats.runs.find((candidate) => candidate.id === Number(progress.dataset.runId))
        if (run) showProgress(progress, run)
      }
      if (chart && stats.chart) chart.update(stats.chart)
    } catch (error) {
      console.warn('Could not refresh the statistics', error)
    }
    if (running) setTimeout(poll, POLL_INTERVAL_MS)
  }
  poll()
}

async function fetchStats(url, position) {
  const query = position ? `?${new URLSearchParams(position)}` : ''
  const response = await fetch(`${url}${query}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  })
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return response.json()
}

function showRuns(section, stats, formatTime) {
  for (const run of stats.runs) {
    const row = section.querySelector(`[data-run-row="${run.id}"]`)
    if (!row) continue // started after the page was drawn: shown on the next visit
    const field = (name) => row.querySelector(`[data-field="${name}"]`)
    setStatusBadge(field('status'), run.status)
    field('statusReason').textContent = run.statusReason ?? ''
    for (const name of ['total', 'queued', 'sent', 'failed', 'skipped', 'bounced', 'complained']) {
      field(name).textContent = formatCount(run[name])
    }
    for (const name of ['successRate', 'bounceRate', 'complaintRate']) {
      field(name).textContent = formatRate(run[name])
    }
    field('completedAt').textContent = formatTime(run.completedAt)
  }

  for (const cell of document.querySelectorAll('[data-totals-field]')) {
    const name = cell.dataset.totalsField
    const value = stats.totals[name]
    cell.textContent = name.endsWith('Rate') ? formatRate(value) : formatCount(value)
  }
}

/**
 * The stacked bar of sent, failed and skipped deliveries out of the run's
 * recipients, and the sentence beside it.
 */
function showProgress(progress, run) {
  const done = run.sent + run.failed + run.skipped
  for (const segment of ['sent', 'failed', 'skipped']) {
    const bar = progress.querySelector(`[data-segment="${segment}"]`)
    bar.style.width = run.total ? `${(run[segment] / run.total) * 100}%` : '0%'
    bar.setAttribute('aria-valuenow', String(run[segment]))
    bar.setAttribute('aria-valuemax', String(run.total))
  }
  const percent = run.total ? ` (${Math.floor((done / run.total) * 100)}%)` : ''
  progress.querySelector('[data-progress-text]').textContent =
    `${formatCount(done)} of ${formatCount(run.total)} done${percent}`
  if (run.status) setStatusBadge(progress.querySelector('[data-progress-status]'), run.status)
}

function setStatusBadge(badge, status) {
  badge.textContent = status
  badge.className = `badge ${RUN_STATUS_CLASSES[status] ?? 'text-bg-light'}`
}

/**
 * The stacked bar chart of accepted messages and failed attempts per minute
 * (or hour). The server sends the whole series first, then only the buckets
 * from the last one the chart has (it may still be filling up).
 */
function sendsChart(section) {
  const canvas = section.querySelector('[data-sends-chart]')
  if (!canvas || !window.Chart) return null
  const empty = section.querySelector('[data-chart-empty]')

  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: [
        { label: 'Sent', data: [], backgroundColor: '#198754' },
        { label: 'Failed attempts', data: [], backgroundColor: '#dc3545' },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  })

  let series = { runId: null, unit: null, points: [] }
  return {
    position() {
      const last = series.points.at(-1)
      return last ? { run: series.runId, unit: series.unit, since: last.at } : null
    },
    update(update) {
      const continues =
        update.partial && update.runId === series.runId && update.unit === series.unit
      const points = continues ? [...series.points] : []
      for (const point of update.points) {
        if (points.at(-1)?.at === point.at) points[points.length - 1] = point
        else points.push(point)
      }
      series = { runId: update.runId, unit: update.unit, points }

      chart.data.labels = points.map((point) => point.label)
      chart.data.datasets[0].data = points.map((point) => point.sent)
      chart.data.datasets[1].data = points.map((point) => point.failed)
      chart.update()
      if (empty) empty.hidden = points.length > 0
    },
  }
}

function formatCount(value) {
  return Number(value).toLocaleString('en')
}

// As formatRate in start/view.ts.
function formatRate(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`
}

/**
 * Times as the server writes them (formatDateTime in start/view.ts:
 * "3 Mar 2025, 09:30"), in the workspace's zone.
 */
function timeFormatter(timeZone) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone || 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return (iso) => {
    if (!iso) return '—'
    const parts = Object.fromEntries(
      format.formatToParts(new Date(iso)).map((part) => [part.type, part.value])
    )
    return `${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`
  }
}
