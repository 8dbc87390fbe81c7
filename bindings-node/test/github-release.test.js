'use strict'
// github.verifyRelease / verifyReleaseSync (issue 19): the real GitHub immutable-release
// attestation (github-immutable-release-jdx-communique) as a release and with an asset, near
// misses (another repository, tag, asset name, digest), and the argument rules, with the codes
// every face gives.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { github, VerificationError, InvalidInputError } = require('sigverify')
const { ecosystemsDir } = require('./vectors.js')

const CASE = 'github-immutable-release-jdx-communique'
const ASSET = 'communique-aarch64-apple-darwin.tar.gz'
const DIGEST = 'sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428'
const OTHER = 'sha256:b958c6046bab52febf958c94974e1ffcc450bff78c28d7233e179bfd73828912'
const SIGNER = 'https://dotcom.releases.github.com'
const release = { repository: 'jdx/communique', tag: 'v0.1.9' }

function bundle() {
  const p = path.join(ecosystemsDir(), CASE, 'bundle.json')
  if (!fs.existsSync(p)) throw new Error(`ECOSYSTEM VECTORS MISSING: ${p}`)
  return fs.readFileSync(p)
}

describe('github.verifyRelease', () => {
  it('verifies the release, async and sync, with and without an asset', async () => {
    for (const options of [release, { ...release, digest: DIGEST, filename: ASSET }]) {
      const a = await github.verifyRelease(bundle(), options)
      const s = github.verifyReleaseSync(bundle().toString('utf8'), options)
      for (const r of [a, s]) {
        assert.equal(r.identity, SIGNER)
        assert.equal(r.issuer ?? null, null)
        assert.equal(r.statement.predicateType, 'https://in-toto.io/attestation/release/v0.2')
      }
    }
  })

  it('hashes asset bytes and checks their names', async () => {
    const e = await github
      .verifyRelease(bundle(), { ...release, assets: [{ name: ASSET, data: Buffer.from('tampered') }] })
      .then(() => null, (e) => e)
    assert.ok(e instanceof VerificationError)
    assert.equal(e.code, 'artifact-mismatch')
  })

  const misses = [
    [{ repository: 'jdx/other', tag: 'v0.1.9' }, 'policy-mismatch'],
    [{ repository: 'jdx/communique', tag: 'v0.1.8' }, 'policy-mismatch'],
    [{ ...release, digest: DIGEST, filename: 'evil.tar.gz' }, 'artifact-mismatch'],
    [{ ...release, digest: OTHER, filename: ASSET }, 'artifact-mismatch'],
  ]
  for (const [options, code] of misses) {
    it(`refuses ${JSON.stringify(options)} with ${code}`, async () => {
      const e = await github.verifyRelease(bundle(), options).then(() => null, (e) => e)
      assert.ok(e instanceof VerificationError, String(e))
      assert.equal(e.code, code)
      assert.throws(() => github.verifyReleaseSync(bundle(), options), (e) => e.code === code)
    })
  }

  const bad = [
    [{ tag: 'v0.1.9' }, 'invalid-argument'],
    [{ repository: 'jdx/communique' }, 'invalid-argument'],
    [{ repository: '', tag: 'v0.1.9' }, 'invalid-argument'],
    [{ ...release, digest: DIGEST }, 'invalid-argument'],
    [{ ...release, digest: DIGEST, filename: ASSET, assets: [{ name: ASSET, data: Buffer.from('x') }] }, 'invalid-argument'],
    [{ repository: 'jdx', tag: 'v0.1.9' }, 'invalid-policy'],
    [{ ...release, digest: 'sha512:00', filename: ASSET }, 'invalid-artifact'],
  ]
  for (const [options, code] of bad) {
    it(`argument ${JSON.stringify(options)} is ${code}`, () => {
      assert.throws(
        () => github.verifyReleaseSync(bundle(), options),
        (e) => e instanceof InvalidInputError && e.code === code,
      )
    })
  }
})
