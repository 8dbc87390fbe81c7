'use strict'
// Where the shared test vectors are, and the cases they hold (../shared/vectors beside the
// project, or $SIGVERIFY_CONFORMANCE_DIR / $SIGVERIFY_ECOSYSTEMS_DIR). They are never copied into
// the repository. A missing folder throws: a suite that did not run must never look like one
// that passed.

const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')

const repo = path.resolve(__dirname, '..', '..')

const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com'

function requireDir(dir, env) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `VECTOR SUITE DID NOT RUN: ${dir} does not exist. Put the shared vectors beside the project ` +
        `(../shared/vectors) or set ${env}.`,
    )
  }
  return dir
}

function conformanceDir() {
  return requireDir(
    process.env.SIGVERIFY_CONFORMANCE_DIR ||
      path.join(repo, '..', 'shared', 'vectors', 'conformance'),
    'SIGVERIFY_CONFORMANCE_DIR',
  )
}

function ecosystemsDir() {
  return requireDir(
    process.env.SIGVERIFY_ECOSYSTEMS_DIR ||
      path.join(repo, '..', 'shared', 'vectors', 'ecosystems'),
    'SIGVERIFY_ECOSYSTEMS_DIR',
  )
}

function tufDir() {
  return requireDir(
    process.env.SIGVERIFY_TUF_DIR ||
      path.join(repo, '..', 'shared', 'vectors', 'tuf', 'public-good'),
    'SIGVERIFY_TUF_DIR',
  )
}

const readText = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim() : null)
const maybe = (p) => (fs.existsSync(p) ? p : null)
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex')

/** Every sigstore-conformance case, as its SOURCE.md describes them. */
function conformanceCases() {
  const dir = conformanceDir()
  const cases = fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'bundle.sigstore.json')))
    .sort()
    .map((name) => {
      const d = path.join(dir, name)
      return {
        name,
        mustFail: name.endsWith('_fail'),
        bundle: path.join(d, 'bundle.sigstore.json'),
        artifact: maybe(path.join(d, 'artifact')) || path.join(dir, 'a.txt'),
        identity: readText(path.join(d, 'identity')) || DEFAULT_IDENTITY,
        issuer: readText(path.join(d, 'issuer')) || DEFAULT_ISSUER,
        key: maybe(path.join(d, 'key.pub')),
        trustedRoot: maybe(path.join(d, 'trusted_root.json')),
      }
    })
  if (cases.length === 0) throw new Error(`VECTOR SUITE DID NOT RUN: no cases in ${dir}`)
  return cases
}

/** The repository's exceptions file (tests/conformance-exceptions.json): case name -> reason. */
function conformanceExceptions() {
  const file = path.join(repo, 'tests', 'conformance-exceptions.json')
  const { exceptions } = JSON.parse(fs.readFileSync(file, 'utf8'))
  for (const [name, reason] of Object.entries(exceptions)) {
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new Error(`conformance exception ${name} has no reason`)
    }
  }
  return exceptions
}

/**
 * The samples a suite cannot verify yet (tests/ecosystem-exceptions.json, shared with the Rust
 * and Python suites): `kind` 'generic' (the plain-bundle path must refuse them) or 'adapter' (no
 * ecosystem adapter reads them yet); name -> reason.
 */
function ecosystemExceptions(kind) {
  const file = path.join(repo, 'tests', 'ecosystem-exceptions.json')
  const exceptions = JSON.parse(fs.readFileSync(file, 'utf8'))[kind]
  for (const [name, reason] of Object.entries(exceptions)) {
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new Error(`ecosystem exception ${name} has no reason`)
    }
  }
  return exceptions
}

/**
 * Every ecosystem sample (../shared/vectors/ecosystems, SOURCE.md there), or every one but the
 * exceptions of kind `excluding`.
 */
function ecosystemCases(excluding) {
  const dir = ecosystemsDir()
  const skip = excluding ? ecosystemExceptions(excluding) : {}
  const cases = fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'meta.json')) && !(n in skip))
    .sort()
    .map((name) => {
      const d = path.join(dir, name)
      return {
        name,
        meta: JSON.parse(fs.readFileSync(path.join(d, 'meta.json'), 'utf8')),
        bundle: path.join(d, 'bundle.json'),
        artifact: maybe(path.join(d, 'artifact')),
        digest: readText(path.join(d, 'digest')),
        identity: readText(path.join(d, 'identity')),
        issuer: readText(path.join(d, 'issuer')),
        key: maybe(path.join(d, 'public_key.pem')),
        trustedRoot: maybe(path.join(d, 'trusted_root.json')),
      }
    })
  if (cases.length === 0) throw new Error(`VECTOR SUITE DID NOT RUN: no cases in ${dir}`)
  return cases
}

module.exports = {
  DEFAULT_IDENTITY,
  DEFAULT_ISSUER,
  conformanceDir,
  conformanceCases,
  conformanceExceptions,
  ecosystemCases,
  ecosystemExceptions,
  ecosystemsDir,
  tufDir,
  sha256,
}
