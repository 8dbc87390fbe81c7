'use strict'
// model.verify: the real OpenSSF model signatures of the shared vectors (keyless on public-good,
// and a managed P-384 key), and tampered copies: a changed byte, an added and a removed file
// each reject with artifact-mismatch naming the file; no method or two is invalid-argument.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { model, Policy, Verifier, TrustedRoot, VerificationError, InvalidInputError } = require('sigverify')
const { ecosystemsDir } = require('./vectors.js')

const KEYLESS = path.join(ecosystemsDir(), 'model-signing-v1.0.1-sigstore')
const KEYED = path.join(ecosystemsDir(), 'model-signing-v1.1.0-elliptic-key')
const text = (p) => fs.readFileSync(p, 'utf8').trim()

async function rejects(p, Class, code) {
  let error
  try {
    await p
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof Class, `expected ${Class.name}, got ${error}`)
  assert.equal(error.code, code, error.message)
  return error
}

/** A writable copy of the key sample. */
function copyKeyed() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigverify-node-model-'))
  fs.mkdirSync(path.join(dir, 'model'))
  for (const f of fs.readdirSync(path.join(KEYED, 'model'))) {
    fs.writeFileSync(path.join(dir, 'model', f), fs.readFileSync(path.join(KEYED, 'model', f)))
  }
  fs.writeFileSync(path.join(dir, 'model.sig'), fs.readFileSync(path.join(KEYED, 'model.sig')))
  return dir
}

describe('model.verify', () => {
  const modelDir = path.join(KEYLESS, 'model')
  const signature = path.join(modelDir, 'model.sig')
  const identity = text(path.join(KEYLESS, 'identity'))
  const issuer = text(path.join(KEYLESS, 'issuer'))

  it('verifies the keyless sample (sigstore method), sync and async', async () => {
    const options = { signature, identity, issuer, ignorePaths: ['ignore-me'] }
    for (const v of [await model.verify(modelDir, options), model.verifySync(modelDir, options)]) {
      assert.equal(v.signingMethod, 'sigstore')
      assert.equal(v.result.identity, identity)
      assert.equal(v.manifestDigest, text(path.join(KEYLESS, 'digest')))
      assert.equal(v.method, 'files')
      assert.equal(JSON.parse(v.json).signer.method, 'sigstore')
    }
    const viaPolicy = await model.verify(modelDir, {
      signature,
      policy: Policy.identity(identity, issuer),
      verifier: new Verifier(TrustedRoot.publicGood()),
      ignorePaths: ['ignore-me'],
    })
    assert.equal(viaPolicy.result.issuer, issuer)
  })

  it('names the unsigned file, and refuses another signer', async () => {
    const e = await rejects(model.verify(modelDir, { signature, identity, issuer }), VerificationError, 'artifact-mismatch')
    assert.match(e.message, /ignore-me/)
    await rejects(
      model.verify(modelDir, { signature, identity: 'someone@example.com', issuer, ignorePaths: ['ignore-me'] }),
      VerificationError,
      'policy-mismatch',
    )
  })

  it('verifies the key sample and fails each tampered copy naming the file', async () => {
    const dir = copyKeyed()
    const key = fs.readFileSync(path.join(KEYED, 'public_key.pem'), 'utf8')
    const options = { signature: path.join(dir, 'model.sig'), key }
    const m = path.join(dir, 'model')
    const v = await model.verify(m, options)
    assert.equal(v.signingMethod, 'key')
    assert.match(v.keySha256, /^[0-9a-f]{64}$/)
    assert.equal(v.result, undefined)

    const victim = path.join(m, 'signme-1')
    const original = fs.readFileSync(victim)
    fs.writeFileSync(victim, Buffer.concat([Buffer.from('X'), original.subarray(1)]))
    assert.match((await rejects(model.verify(m, options), VerificationError, 'artifact-mismatch')).message, /signme-1/)
    fs.writeFileSync(victim, original)
    fs.writeFileSync(path.join(m, 'extra.bin'), 'x')
    assert.match((await rejects(model.verify(m, options), VerificationError, 'artifact-mismatch')).message, /extra\.bin/)
    fs.rmSync(path.join(m, 'extra.bin'))
    fs.rmSync(victim)
    assert.match((await rejects(model.verify(m, options), VerificationError, 'artifact-mismatch')).message, /signme-1/)
    fs.rmSync(dir, { recursive: true })
  })

  it('refuses no method, two methods and bad arguments with invalid-argument', async () => {
    const key = fs.readFileSync(path.join(KEYED, 'public_key.pem'))
    const m = path.join(KEYED, 'model')
    for (const options of [
      {},
      { key, identity, issuer },
      { identity },
      { key, verifier: new Verifier(TrustedRoot.publicGood()) },
      { key, threads: 0 },
    ]) {
      await rejects(model.verify(m, { signature: path.join(KEYED, 'model.sig'), ...options }), InvalidInputError, 'invalid-argument')
    }
    assert.throws(() => model.verifySync(5, { key }), (e) => e.code === 'invalid-argument')
    await rejects(model.verify(path.join(KEYED, 'nope'), { key }), InvalidInputError, 'io-error')
  })
})
