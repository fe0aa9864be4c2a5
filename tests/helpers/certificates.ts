import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A fresh RSA key and a certificate for `commonName` signed by itself, made
 * with openssl (PEM text): what a server nobody should trust presents, or
 * what a test plays a certificate authority's leaf with.
 */
export function selfSignedCertificate(commonName: string, days = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'))
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes'],
        ...['-subj', `/CN=${commonName}`, '-days', String(days)],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' }
    )
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
