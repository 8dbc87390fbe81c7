'use strict'
// Hostile and malformed input: every call ends in a result or a SigverifyError with one of the
// core's codes, never a crash, a hang, a non-sigverify error or an internal error.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { TrustedRoot, Verifier, Policy, SigverifyError } = require('sigverify')
const { conformanceDir, DEFAULT_IDENTITY, DEFAULT_ISSUER, sha256 } = require('./vectors.js')

// The codes of sigverify::Error::code() (core/src/error.rs).
const CODES = new Set([
  'invalid-json',
  'unsupported-media-type',
  'invalid-bundle',
  'invalid-encoding',
  'invalid-certificate',
  'invalid-trusted-root',
  'limit-exceeded',
  'invalid-artifact',
  'artifact-mismatch',
  'signature-invalid',
  'certificate-chain',
  'time-outside-validity',
  'certificate-transparency',
  'timestamp',
  'verified-time',
  'transparency-log',
  'statement',
  'policy-mismatch',
  'unsupported-algorithm',
  'invalid-policy',
  'tuf',
])

const dir = conformanceDir()
const read = (...p) => fs.readFileSync(path.join(dir, ...p))
const artifact = read('a.txt')
const digest = `sha256:${sha256(artifact)}`
const policy = Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)
const verifier = new Verifier(TrustedRoot.publicGood())
const bundles = ['happy-path-v0.1', 'happy-path-v0.3', 'happy-path-intoto-in-dsse-v3'].map((c) =>
  read(c, 'bundle.sigstore.json'),
)

/** A deterministic PRNG (mulberry32), so that a failure can be replayed. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Verifies (sync) and returns 'ok' or the error's code; fails on anything but a sigverify error. */
function outcome(bundle, options = { artifact, policy }) {
  try {
    verifier.verifySync(bundle, options)
    return 'ok'
  } catch (e) {
    assert.ok(e instanceof SigverifyError, `not a SigverifyError: ${e && e.stack}`)
    assert.ok(CODES.has(e.code), `unknown code ${e.code}: ${e.message}`)
    assert.equal(typeof e.check, 'string')
    return e.code
  }
}

/** Every JSON path of an object, with its value. */
function* paths(value, prefix = []) {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield [[...prefix, k], v]
      yield* paths(v, [...prefix, k])
    }
  }
}

function setPath(obj, keys, value) {
  const copy = structuredClone(obj)
  let o = copy
  for (const k of keys.slice(0, -1)) o = o[k]
  if (value === undefined) delete o[keys.at(-1)]
  else o[keys.at(-1)] = value
  return copy
}

describe('malformed input', () => {
  it('refuses non-JSON and empty input', () => {
    for (const b of [
      '',
      ' ',
      Buffer.alloc(0),
      'null',
      'true',
      '"bundle"',
      '[]',
      '{}',
      '\ufeff{}',
      Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x7d]),
      Buffer.from('{"mediaType": "\u0000"}'),
      '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}',
    ]) {
      assert.notEqual(outcome(b), 'ok', JSON.stringify(String(b)))
    }
  })

  it('refuses every truncation of real bundles', () => {
    for (const b of bundles) {
      for (let n = 0; n < b.length; n += 61) {
        assert.notEqual(outcome(b.subarray(0, n)), 'ok', `truncated at ${n}`)
      }
    }
  })

  it('survives random byte changes', () => {
    const rand = prng(7)
    for (const b of bundles) {
      for (let i = 0; i < 300; i++) {
        const m = Buffer.from(b)
        const pos = Math.floor(rand() * m.length)
        m[pos] = Math.floor(rand() * 256)
        outcome(m)
      }
    }
  })

  it('refuses random bytes and random JSON-like text', () => {
    const rand = prng(11)
    const alphabet = '{}[]":,0123456789abcdefnulltrue \\'
    for (let i = 0; i < 200; i++) {
      const len = Math.floor(rand() * 400)
      const bytes = Buffer.alloc(len)
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(rand() * 256)
      assert.notEqual(outcome(bytes), 'ok')
      let text = ''
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)]
      assert.notEqual(outcome(text), 'ok')
    }
  })

  it('refuses each field removed or given the wrong type', () => {
    const values = [null, 0, -1, 1e308, true, '', 'AAAA', '!!', [], {}, [null], 'x'.repeat(10000)]
    for (const b of bundles) {
      const obj = JSON.parse(b)
      for (const [keys] of paths(obj)) {
        outcome(setPath(obj, keys, undefined))
        for (const v of values) outcome(setPath(obj, keys, v))
      }
    }
  })

  it('refuses deep nesting and oversized documents with limit-exceeded or invalid-json', () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000)
    assert.equal(outcome(deep), 'limit-exceeded')
    assert.equal(outcome(`{"mediaType":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}`), 'limit-exceeded')
    let nested = {}
    for (let i = 0; i < 200000; i++) nested = { a: nested }
    assert.ok(['limit-exceeded', 'invalid-json'].includes(outcome(nested)))
    const big = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20)
    assert.equal(outcome(big), 'limit-exceeded')
  })

  it('refuses malformed digests', () => {
    for (const d of [
      '',
      'sha256',
      'sha256:',
      `sha256:${'0'.repeat(63)}`,
      `sha256:${'g'.repeat(64)}`,
      `SHA256:${sha256(artifact)}`,
      `sha1:${'0'.repeat(40)}`,
      `sha256:${sha256(artifact)}\n`,
      `sha256:${sha256(artifact)}:x`,
      `sha512:${'0'.repeat(128)}`,
    ]) {
      assert.notEqual(outcome(bundles[1], { digest: d, policy }), 'ok', d)
    }
  })

  it('refuses malformed trusted roots and policy documents with InvalidInputError', () => {
    const root = JSON.parse(read('intoto-with-custom-trust-root', 'trusted_root.json'))
    const rand = prng(3)
    for (const [keys] of paths(root)) {
      for (const v of [undefined, null, 7, 'x', []]) {
        try {
          TrustedRoot.fromJSON(setPath(root, keys, v))
        } catch (e) {
          assert.equal(e.name, 'InvalidInputError', `${e.stack}`)
          assert.ok(CODES.has(e.code), e.code)
        }
        if (rand() < 0.1) break
      }
    }
    for (const doc of [
      {},
      { version: 1 },
      { version: '1', identity: 'a', issuer: 'b' },
      { version: 1, identity: 'a', issuer: 'b', key: 'k' },
      { version: 1, identity: ['a'], issuer: 'b' },
      { version: 1, key: 'not a pem' },
      '[]',
      'x'.repeat(2 * 1024 * 1024),
    ]) {
      assert.throws(() => Policy.fromJSON(doc), { name: 'InvalidInputError' }, JSON.stringify(doc).slice(0, 80))
    }
  })

  it('gives verifyMany a batch of hostile items, one outcome each', async () => {
    const rand = prng(5)
    const items = []
    for (let i = 0; i < 100; i++) {
      const m = Buffer.from(bundles[i % bundles.length])
      m[Math.floor(rand() * m.length)] ^= 1 << Math.floor(rand() * 8)
      items.push({ bundle: m, digest, policy })
    }
    const out = await verifier.verifyMany(items, { jobs: 2 })
    assert.equal(out.length, items.length)
    for (const o of out) {
      if (!o.ok) {
        assert.ok(o.error instanceof SigverifyError)
        assert.ok(CODES.has(o.error.code), o.error.code)
      }
    }
  })
})
