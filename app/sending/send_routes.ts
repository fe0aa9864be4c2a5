import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import customSmtpConfig, { maxWorkspaceRate } from '#config/custom_smtp'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'
import { campaignTransport, workspaceTransportOptions } from '#sending/smtp_transport'

export type CampaignTransport = Transporter<SMTPPool.SentMessageInfo>

/**
 * The way a batch's messages leave: the platform's server, or the
 * workspace's own (Settings → SMTP server) with its own pool and rate. A
 * batch takes a route when it starts and releases it when it ends.
 */
export interface SendRoute {
  transport: CampaignTransport
  /**
   * Whether it is the workspace's own server: its errors are the
   * workspace's to fix, and the pause reason says so.
   */
  own: boolean
  /**
   * The workspace's own send rate (messages per second), when it set one.
   */
  rate: number | null
  release(): void
}

interface Pool {
  tenantId: number
  version: number
  transport: CampaignTransport
  rate: number | null
  /**
   * Batches using it now. A nodemailer pool drops (and never answers) the
   * messages handed to it once closed, so a pool closes only when no batch
   * holds it.
   */
  holders: number
  retired: boolean
  lastUsedAt: number
}

const platformRoute: Omit<SendRoute, 'transport'> = { own: false, rate: null, release() {} }

/**
 * The worker process's pools to workspaces' own servers, by workspace.
 * Retired ones (settings changed, or evicted) close when their last batch
 * lets go.
 */
const pools = new Map<number, Pool>()
let sweeper: NodeJS.Timeout | undefined

/**
 * The route a batch of the workspace's mail takes. When the operator turned
 * the feature off (ALLOW_CUSTOM_SMTP=false) that is always the platform's
 * server, without a query: saved settings are ignored.
 */
export async function takeRoute(tenantId: number): Promise<SendRoute> {
  if (!customSmtpConfig.enabled) return { ...platformRoute, transport: campaignTransport() }

  const server = await WorkspaceSmtpServer.findBy('tenantId', tenantId)
  let pool = pools.get(tenantId)
  if (pool && pool.version !== server?.version) {
    retire(pool)
    pool = undefined
  }
  if (!server) return { ...platformRoute, transport: campaignTransport() }

  pool ??= openPool(server)
  pool.holders += 1
  pool.lastUsedAt = Date.now()
  const held = pool
  let released = false
  return {
    transport: held.transport,
    own: true,
    rate: held.rate,
    release() {
      if (released) return
      released = true
      held.holders -= 1
      held.lastUsedAt = Date.now()
      if (held.retired) closeIfUnused(held)
    },
  }
}

function openPool(server: WorkspaceSmtpServer) {
  // Room for one more: the least recently used pool nobody holds goes.
  // When every pool is held, the bound is passed for a while rather than
  // a batch being cut off (worker concurrency bounds the excess).
  if (pools.size >= customSmtpConfig.maxOpenPools) {
    const idle = [...pools.values()]
      .filter((pool) => pool.holders === 0)
      .sort((a, b) => a.lastUsedAt - b.lastUsedAt)
    if (idle[0]) retire(idle[0])
  }
  // Within the operator's limits as they are now: they may have been
  // lowered since the settings were saved.
  const { host, port, tlsMode, username, password } = server
  const poolSize = Math.min(server.poolSize, customSmtpConfig.maxPoolSize)
  const options = workspaceTransportOptions(
    { host, port, tlsMode, username, password, poolSize },
    { pool: true }
  )
  const pool: Pool = {
    tenantId: server.tenantId,
    version: server.version,
    transport: nodemailer.createTransport(options),
    rate: server.sendRate === null ? null : Math.min(server.sendRate, maxWorkspaceRate()),
    holders: 0,
    retired: false,
    lastUsedAt: Date.now(),
  }
  pools.set(server.tenantId, pool)
  startSweeper()
  return pool
}

function retire(pool: Pool) {
  if (pools.get(pool.tenantId) === pool) pools.delete(pool.tenantId)
  pool.retired = true
  closeIfUnused(pool)
}

function closeIfUnused(pool: Pool) {
  if (pool.holders === 0) pool.transport.close()
}

/**
 * Closes the pools nobody has used for SMTP_CUSTOM_IDLE_TIMEOUT: a
 * workspace that sends once a week does not keep connections open all
 * week. Unreferenced, so it never keeps a process alive.
 */
function startSweeper() {
  if (sweeper) return
  const every = Math.max(1000, Math.min(60_000, customSmtpConfig.idleTimeout / 2))
  sweeper = setInterval(() => {
    const before = Date.now() - customSmtpConfig.idleTimeout
    for (const pool of pools.values()) {
      if (pool.holders === 0 && pool.lastUsedAt < before) retire(pool)
    }
    if (pools.size === 0) {
      clearInterval(sweeper)
      sweeper = undefined
    }
  }, every)
  sweeper.unref()
}

/**
 * Pools open in this process, for tests and the worker's shutdown.
 */
export function openWorkspacePools() {
  return pools.size
}

export function closeWorkspacePools() {
  for (const pool of [...pools.values()]) retire(pool)
}
