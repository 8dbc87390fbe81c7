'use strict'
// conda.verify and conda.verifySync: the real sample of the shared vectors (prefix.dev's
// sigstore-example) in every form the API takes (package bytes or digest and file name; a
// bundle or a .v0.sigs sidecar as bytes, string or parsed JSON; repository or identity), a near
// miss of each check (another file, digest, channel, repository, workflow, a sidecar where one
// bundle fails), and missing or conflicting arguments with the codes C and Python give.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { TrustedRoot, Verifier, VerificationError, InvalidInputError, conda } = require('sigverify')
const { ecosystemsDir } = require('./vectors.js')

const CASE = 'conda-signed-package-2.1.0-attestation'
const FILE = 'signed-package-2.1.0-hb0f4dca_0.conda'
const CHANNEL = 'https://prefix.dev/sigstore-example'
const REPO = 'prefix-dev/sigstore-example'

const dir = path.join(ecosystemsDir(), CASE)
const read = (f) => {
  const p = path.join(dir, f)
  assert.ok(fs.existsSync(p), `ECOSYSTEM VECTORS MISSING: ${p}`)
  return fs.readFileSync(p)
}
const publicGood = new Verifier(TrustedRoot.publicGood())
const artifact = read('artifact')
const bundleBytes = read('conda-attestation.sigstore.json')
const bundle = JSON.parse(bundleBytes.toString())
const digest = read('digest').toString().trim()
const identity = read('identity').toString().trim()
const issuer = read('issuer').toString().trim()

function tampered(b) {
  const bad = structuredClone(b)
  const sig = bad.dsseEnvelope.signatures[0].sig
  bad.dsseEnvelope.signatures[0].sig = sig.slice(0, 20) + (sig[20] === 'A' ? 'B' : 'A') + sig.slice(21)
  return bad
}

/** The error both forms throw or reject with: the same class, code and check. */
async function failure(options) {
  let syncError
  try {
    conda.verifySync(publicGood, options)
  } catch (e) {
    syncError = e
  }
  assert.ok(syncError, 'expected verifySync to throw')
  let asyncError
  try {
    await conda.verify(publicGood, options)
  } catch (e) {
    asyncError = e
  }
  assert.ok(asyncError, 'expected verify to reject')
  assert.equal(asyncError.constructor, syncError.constructor)
  assert.equal(asyncError.code, syncError.code)
  assert.equal(asyncError.check, syncError.check)
  return syncError
}

const good = {
  digest,
  filename: FILE,
  bundle: bundleBytes,
  repository: REPO,
  signerWorkflow: 'action.yaml',
  channel: CHANNEL,
}

describe('conda.verify', () => {
  it('verifies the sample in every form', async () => {
    const packages = [{ digest, filename: FILE }, { package: artifact, filename: FILE }]
    const documents = [
      [{ bundle: bundleBytes }, 1],
      [{ bundle: bundleBytes.toString() }, 1],
      [{ bundle }, 1],
      [{ sigs: Buffer.from(JSON.stringify([bundle, bundle])) }, 2],
      [{ sigs: [bundle] }, 1],
    ]
    const signers = [
      { repository: REPO },
      { repository: REPO, signerWorkflow: 'action.yaml', channel: CHANNEL },
      { identity, issuer, channel: CHANNEL },
    ]
    for (const p of packages) {
      for (const [d, count] of documents) {
        for (const s of signers) {
          const options = { ...p, ...d, ...s }
          const rs = await conda.verify(publicGood, options)
          assert.equal(rs.length, count)
          const sync = conda.verifySync(publicGood, options)
          assert.deepEqual(
            sync.map((r) => r.json),
            rs.map((r) => r.json),
          )
          for (const r of rs) {
            assert.equal(r.identity, identity)
            assert.equal(r.issuer, issuer)
            assert.equal(r.statement.predicateType, 'https://schemas.conda.org/attestations-publish-1.schema.json')
            assert.equal(r.statement.subjects.length, 1)
            assert.equal(r.statement.subjects[0].name, FILE)
          }
        }
      }
    }
  })

  it('fails each near miss at its check', async () => {
    const flipped = digest.slice(0, -1) + (digest.at(-1) === '0' ? '1' : '0')
    const misses = [
      [{ filename: 'signed-package-2.1.1-hb0f4dca_0.conda' }, 'artifact-mismatch', 'artifact'],
      [{ digest: flipped }, 'artifact-mismatch', 'artifact'],
      [{ channel: 'https://prefix.dev/conda-forge' }, 'policy-mismatch', 'policy'],
      [{ repository: 'prefix-dev/other' }, 'policy-mismatch', 'policy'],
      [{ signerWorkflow: 'release.yml' }, 'policy-mismatch', 'policy'],
      [{ bundle: undefined, sigs: [bundle, tampered(bundle)] }, 'signature-invalid', 'signature'],
      [{ bundle: undefined, sigs: [tampered(bundle), bundle] }, 'signature-invalid', 'signature'],
    ]
    for (const [change, code, check] of misses) {
      const e = await failure({ ...good, ...change })
      assert.ok(e instanceof VerificationError, `${JSON.stringify(change)}: ${e.name} ${e.message}`)
      assert.equal(e.code, code, e.message)
      assert.equal(e.check, check, e.message)
    }
  })

  it('refuses missing, conflicting and malformed arguments', async () => {
    const arg = 'invalid-argument'
    const cases = [
      [{ digest: undefined }, arg],
      [{ package: artifact }, arg],
      [{ filename: undefined }, arg],
      [{ filename: '' }, arg],
      [{ bundle: undefined }, arg],
      [{ sigs: '[]' }, arg],
      [{ repository: undefined, signerWorkflow: undefined }, arg],
      [{ identity, issuer }, arg],
      [{ repository: undefined, identity, issuer }, arg],
      [{ repository: undefined, signerWorkflow: undefined, identity }, arg],
      [{ repository: 7 }, arg],
      [{ bundle: 7 }, arg],
      [{ package: 'x.conda', digest: undefined }, arg],
      [{ filename: 'signed-package.whl' }, 'invalid-artifact'],
      [{ digest: 'sha512:' + 'ab'.repeat(64) }, 'invalid-artifact'],
      [{ repository: '' }, 'invalid-policy'],
      [{ channel: 'prefix.dev/sigstore-example' }, 'invalid-policy'],
      [{ bundle: '[{}]' }, 'invalid-json'],
      [{ bundle: undefined, sigs: {} }, 'invalid-json'],
    ]
    for (const [change, code] of cases) {
      const e = await failure({ ...good, ...change })
      assert.ok(e instanceof InvalidInputError, `${JSON.stringify(change)}: ${e.name} ${e.message}`)
      assert.equal(e.code, code, `${JSON.stringify(change)}: ${e.message}`)
    }
    // No options at all.
    assert.throws(() => conda.verifySync(publicGood), (e) => e.code === arg)
  })
})
