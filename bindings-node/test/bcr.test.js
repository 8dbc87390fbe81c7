'use strict'
// bcr.verify / bcr.verifySync over the real rules_lint v1.3.1 archive attestation: one file
// verifies and reports its file, kind and signer workflow; near misses (the same bytes named
// MODULE.bazel or source.json, another repository, a tag, another digest) reject naming what
// was found; a module folder made from the sample rejects with its first failing file (the
// release workflow refused for MODULE.bazel), an attestation whose integrity differs, a file
// missing; missing or conflicting arguments are invalid-argument.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { bcr, VerificationError, InvalidInputError } = require('sigverify')
const { ecosystemsDir } = require('./vectors.js')

const CASE = 'bcr-rules_lint-v1.3.1-release-attestation'
const ARCHIVE = 'rules_lint-v1.3.1.tar.gz'
const REPO = 'aspect-build/rules_lint'
const RELEASE =
  'https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0'

const dir = path.join(ecosystemsDir(), CASE)
const artifact = fs.readFileSync(path.join(dir, 'artifact'))
const jsonl = fs.readFileSync(path.join(dir, `${ARCHIVE}.intoto.jsonl`))
const one = (extra = {}) => ({ file: artifact, name: ARCHIVE, bundle: jsonl, repository: REPO, ...extra })

function rejects(o, cls, code) {
  let err
  try {
    bcr.verifySync(o)
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof cls, `${code}: ${err}`)
  assert.equal(err.code, code, err.message)
  return err
}

describe('bcr: one file', () => {
  it('verifies, sync and async', async () => {
    for (const v of [bcr.verifySync(one()), await bcr.verify(one()), bcr.verifySync(one({ bundle: jsonl.toString() }))]) {
      assert.equal(v.files.length, 1)
      const [f] = v.files
      assert.deepEqual([f.file, f.kind, f.signerWorkflow], [ARCHIVE, 'archive', RELEASE])
      assert.equal(f.result.identity, RELEASE)
    }
  })

  it('near misses', async () => {
    for (const name of ['MODULE.bazel', 'source.json']) {
      const e = rejects(one({ name }), VerificationError, 'policy-mismatch')
      assert.equal(e.check, 'policy')
      assert.ok(e.message.includes(RELEASE) && e.message.includes(name), e.message)
    }
    assert.ok(rejects(one({ repository: 'aspect-build/rules_js' }), VerificationError, 'policy-mismatch').message.includes('rules_lint'))
    assert.ok(rejects(one({ tag: 'v1.3.1' }), VerificationError, 'policy-mismatch').message.includes('refs/heads/publish-to-bcr'))
    rejects(one({ file: Buffer.from('other bytes') }), VerificationError, 'artifact-mismatch')
    await assert.rejects(bcr.verify(one({ name: 'MODULE.bazel' })), (e) => e.code === 'policy-mismatch')
  })

  it('arguments', async () => {
    for (const extra of [{ repository: undefined }, { repository: '' }, { tag: '' }, { bundle: undefined }, { name: undefined }, { attestations: jsonl }, { repository: 42 }, { file: 'a path' }]) {
      rejects(one(extra), InvalidInputError, 'invalid-argument')
    }
    rejects(one({ repository: 'nope' }), InvalidInputError, 'invalid-policy')
    assert.throws(() => bcr.verifySync(), (e) => e.code === 'invalid-argument')
    await assert.rejects(bcr.verify({ repository: REPO }), (e) => e.code === 'invalid-argument')
  })
})

const sri = (b) => `sha256-${crypto.createHash('sha256').update(b).digest('base64')}`

function moduleDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sigverify-node-bcr-'))
  fs.writeFileSync(path.join(d, ARCHIVE), artifact)
  fs.writeFileSync(path.join(d, 'MODULE.bazel'), artifact) // the archive's digest: only the workflow differs
  fs.writeFileSync(path.join(d, 'source.json'), JSON.stringify({ url: `https://github.com/${REPO}/releases/download/v1.3.1/${ARCHIVE}` }))
  const attestations = {}
  for (const f of ['MODULE.bazel', 'source.json', ARCHIVE]) {
    fs.writeFileSync(path.join(d, `${f}.intoto.jsonl`), jsonl)
    attestations[f] = { url: `https://github.com/${REPO}/releases/download/v1.3.1/${f}.intoto.jsonl`, integrity: sri(jsonl) }
  }
  const index = { mediaType: 'application/vnd.build.bazel.registry.attestation+json;version=1.0.0', attestations }
  return [d, index]
}

describe('bcr: a module folder', () => {
  it('the first failing file decides, naming the signer found', async () => {
    const [d, index] = moduleDir()
    try {
      const e = rejects({ attestations: index, moduleDir: d, repository: REPO }, VerificationError, 'policy-mismatch')
      assert.ok(e.message.includes('MODULE.bazel') && e.message.includes(RELEASE), e.message)
      await assert.rejects(bcr.verify({ attestations: Buffer.from(JSON.stringify(index)), moduleDir: d, repository: REPO }), (e) => e.code === 'policy-mismatch')
      const bad = structuredClone(index)
      bad.attestations['MODULE.bazel'].integrity = sri(Buffer.alloc(0))
      assert.ok(rejects({ attestations: bad, moduleDir: d, repository: REPO }, VerificationError, 'artifact-mismatch').message.includes('integrity'))
      fs.unlinkSync(path.join(d, 'MODULE.bazel'))
      rejects({ attestations: index, moduleDir: d, repository: REPO }, InvalidInputError, 'io-error')
      rejects({ attestations: index, repository: REPO }, InvalidInputError, 'invalid-argument')
      rejects({ moduleDir: d, repository: REPO }, InvalidInputError, 'invalid-argument')
    } finally {
      fs.rmSync(d, { recursive: true, force: true })
    }
  })
})
