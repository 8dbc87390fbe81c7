'use strict'
// Tuf.update over a copy of the Sigstore public-good TUF repository (../shared/vectors/tuf):
// from root version 1, as of a time inside every role's validity, to a trusted root that verifies
// a conformance bundle; refused once the timestamp has expired unless the caller accepts expired
// metadata explicitly; tampered files, rollbacks and bad arguments refused.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const {
  Tuf,
  TrustedRoot,
  Verifier,
  Policy,
  VerificationError,
  InvalidInputError,
  npm,
} = require('sigverify')
const { tufDir, conformanceDir, DEFAULT_IDENTITY, DEFAULT_ISSUER } = require('./vectors.js')

const dir = tufDir()
const AS_OF = new Date('2026-08-01T00:00:00Z')
const EXPIRED = new Date('2026-09-01T00:00:00Z') // after timestamp.json's expiry (2026-08-28)

/** Every file under `root`, by its path relative to `root` ('/'-separated). */
function tree(root) {
  const out = {}
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(root, p).split(path.sep).join('/')] = fs.readFileSync(p)
    }
  }
  walk(root)
  return out
}

/** The metadata folder as the repository publishes it: the root history as `N.root.json`. */
function metadata() {
  const out = {}
  for (const [name, bytes] of Object.entries(tree(path.join(dir, 'metadata')))) {
    out[name.startsWith('root_history/') ? name.slice('root_history/'.length) : name] = bytes
  }
  return out
}

const targets = () => tree(path.join(dir, 'targets'))
const root1 = () => fs.readFileSync(path.join(dir, 'metadata', 'root_history', '1.root.json'))
const options = (extra = {}) => ({ root: root1(), metadata: metadata(), targets: targets(), now: AS_OF, ...extra })

async function rejects(p, Class, code) {
  let error
  try {
    await p
  } catch (e) {
    error = e
  }
  assert.ok(error, 'expected a rejection')
  assert.ok(error instanceof Class, `${error.name}: ${error.message}`)
  if (code !== undefined) assert.equal(error.code, code, error.message)
  return error
}

describe('Tuf.update', () => {
  it('walks from root 1 to a trusted root that verifies happy-path-v0.3', async () => {
    const u = await Tuf.update(options())
    assert.ok(u.trustedRoot instanceof TrustedRoot)
    assert.equal(u.trustedRoot.name, null)
    assert.ok(u.trustedRoot.tlogCount >= 1)
    assert.deepEqual(u.trustedRootJSON, fs.readFileSync(path.join(dir, 'targets', 'trusted_root.json')))
    assert.deepEqual(u.rootJSON, fs.readFileSync(path.join(dir, 'metadata', 'root.json')))
    assert.deepEqual(u.expired, [])
    const state = JSON.parse(u.state.toString('utf8'))
    assert.equal(state.root_version, 15)
    assert.equal(state.timestamp_version, 762)
    assert.equal(state.snapshot_version, 165)
    // The npm registry keys, delegated to registry.npmjs.org.
    assert.ok(Buffer.isBuffer(u.npmKeysJSON))
    assert.equal(npm.RegistryKeys.fromJSON(u.npmKeysJSON).isEmbedded, false)

    const conformance = conformanceDir()
    const verifier = new Verifier(u.trustedRoot)
    const r = await verifier.verify(fs.readFileSync(path.join(conformance, 'happy-path-v0.3', 'bundle.sigstore.json')), {
      artifact: fs.readFileSync(path.join(conformance, 'a.txt')),
      policy: Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER),
    })
    assert.equal(r.identity, DEFAULT_IDENTITY)
    // The same through TrustedRoot.fromJSON of the verified bytes, and through updateSync.
    const again = Tuf.updateSync(options())
    assert.deepEqual(again.trustedRootJSON, u.trustedRootJSON)
    assert.deepEqual(again.state, u.state)
    new Verifier(TrustedRoot.fromJSON(u.trustedRootJSON)).verifySync(
      fs.readFileSync(path.join(conformance, 'happy-path-v0.3', 'bundle.sigstore.json')),
      { artifact: fs.readFileSync(path.join(conformance, 'a.txt')), policy: Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER) },
    )
  })

  it('continues from the saved root and state; refuses a rollback of the state', async () => {
    const first = await Tuf.update(options())
    const next = await Tuf.update(options({ root: first.rootJSON, state: first.state }))
    assert.deepEqual(next.state, first.state)
    const state = JSON.parse(first.state.toString('utf8'))
    state.timestamp_version += 1
    await rejects(Tuf.update(options({ root: first.rootJSON, state: JSON.stringify(state) })), VerificationError)
  })

  it('starts from the embedded public-good root by default', async () => {
    const { root, ...rest } = options()
    assert.ok(root)
    const u = await Tuf.update(rest)
    assert.equal(JSON.parse(u.state.toString('utf8')).root_version, 15)
  })

  it('refuses expired metadata, unless accepted explicitly (and then says so)', async () => {
    const e = await rejects(Tuf.update(options({ now: EXPIRED })), VerificationError)
    assert.match(e.message, /expire/i)
    assert.throws(() => Tuf.updateSync(options({ now: EXPIRED })), VerificationError)
    const u = await Tuf.update(options({ now: EXPIRED, acceptExpiredMetadataUnsafe: true }))
    assert.ok(u.expired.length >= 1)
    const timestamp = u.expired.find((x) => x.role === 'timestamp')
    assert.ok(timestamp, JSON.stringify(u.expired))
    assert.equal(timestamp.version, 762)
    assert.deepEqual(timestamp.expires, new Date('2026-08-28T19:25:56Z'))
    assert.equal(timestamp.ageSeconds, (EXPIRED - timestamp.expires) / 1000)
    // Still a usable root.
    assert.ok(new Verifier(u.trustedRoot).tlogThreshold === 1)
    // acceptExpiredMetadataUnsafe: false is the default.
    await rejects(Tuf.update(options({ now: EXPIRED, acceptExpiredMetadataUnsafe: false })), VerificationError)
  })

  it('refuses a missing or tampered file', async () => {
    const m = metadata()
    delete m['timestamp.json']
    await rejects(Tuf.update(options({ metadata: m })), VerificationError)
    const t = targets()
    t['trusted_root.json'] = Buffer.concat([t['trusted_root.json'], Buffer.from(' ')])
    await rejects(Tuf.update(options({ targets: t })), VerificationError)
    const s = metadata()
    const doc = JSON.parse(s['snapshot.json'].toString('utf8'))
    doc.signed.version += 1
    s['snapshot.json'] = Buffer.from(JSON.stringify(doc))
    await rejects(Tuf.update(options({ metadata: s })), VerificationError)
  })

  it('refuses bad arguments and unusable roots or states', async () => {
    const bad = (o, re) =>
      rejects(Tuf.update(o), InvalidInputError, 'invalid-argument').then((e) => re && assert.match(e.message, re))
    await bad(undefined, /options is required/)
    await bad({ ...options(), metadata: undefined }, /options\.metadata/)
    await bad({ ...options(), targets: { 'trusted_root.json': 'text' } }, /options\.targets/)
    await bad({ ...options(), now: '2026-08-01' }, /options\.now must be a Date/)
    await bad({ ...options(), root: undefined, instance: 'prod' }, /instance: expected/)
    await bad({ ...options(), instance: 'staging' }, /not both/)
    await bad({ ...options(), acceptExpiredMetadataUnsafe: 'yes' }, /acceptExpiredMetadataUnsafe/)
    await rejects(Tuf.update({ ...options(), root: Buffer.from('{}') }), InvalidInputError)
    await rejects(Tuf.update({ ...options(), state: '{"format":2}' }), InvalidInputError)
    assert.throws(() => Tuf.updateSync({ ...options(), metadata: 1 }), InvalidInputError)
    // The staging root does not sign the public-good repository.
    const { root, ...rest } = options()
    assert.ok(root)
    await rejects(Tuf.update({ ...rest, instance: 'staging' }), VerificationError)
  })
})
