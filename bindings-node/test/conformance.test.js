'use strict'
// Every sigstore-conformance verification case (../shared/vectors/conformance), through the
// Node API in every form: async `verify` and `verifySync`, the artifact's bytes and its
// `sha256:` digest. Known exceptions are the repository's tests/conformance-exceptions.json,
// shared with the Rust suite: a listed case that behaves as expected fails too.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { TrustedRoot, Verifier, Policy, SigverifyError } = require('sigverify')
const { conformanceCases, conformanceExceptions, sha256 } = require('./vectors.js')

const cases = conformanceCases()
const exceptions = conformanceExceptions()

let publicGood
function verifierFor(c) {
  if (!c.trustedRoot) {
    publicGood ??= new Verifier(TrustedRoot.publicGood())
    return publicGood
  }
  return new Verifier(TrustedRoot.fromJSON(fs.readFileSync(c.trustedRoot)))
}

function policyFor(c) {
  return c.key
    ? Policy.key(fs.readFileSync(c.key, 'utf8'))
    : Policy.identity(c.identity, c.issuer)
}

/** Verifies one case; resolves to the result, or rejects with what sigverify threw. */
async function run(c, mode, form) {
  // Loading the root and the policy is part of the case: a case may fail there.
  const verifier = verifierFor(c)
  const policy = policyFor(c)
  const bytes = fs.readFileSync(c.artifact)
  const options =
    form === 'digest' ? { digest: `sha256:${sha256(bytes)}`, policy } : { artifact: bytes, policy }
  const bundle = fs.readFileSync(c.bundle)
  return mode === 'async' ? verifier.verify(bundle, options) : verifier.verifySync(bundle, options)
}

// The reason each rejection must be for, on a sample of cases (as core/tests/conformance.rs
// checks through the library): a rejection for the wrong reason would be a lucky pass.
const expected = {
  'bundle-unknown-version_fail': ['unsupported-media-type', 'bundle-format'],
  'bundle-invalid-base64-signature_fail': ['invalid-encoding', 'bundle-format'],
  'bundle-malformed-json_fail': ['invalid-json', 'bundle-format'],
  'checkpoint-bad-keyhint_fail': ['transparency-log', 'transparency-log'],
  'set-invalid-signature_fail': ['signature-invalid', 'transparency-log'],
  'invalid-checkpoint-signature_fail': ['signature-invalid', 'transparency-log'],
  'signature-mismatch_fail': ['signature-invalid', 'signature'],
  'dsse-invalid-sig_fail': ['signature-invalid', 'signature'],
  'wrong-material_fail': ['artifact-mismatch', 'artifact'],
  'intoto-expired-certificate_fail': ['time-outside-validity', 'certificate'],
  'managed-key-no-key_fail': ['policy-mismatch', 'policy'],
  'invalid-ct-key_fail': ['certificate-transparency', 'certificate-transparency'],
  'rekor2-no-timestamp_fail': ['verified-time', 'verified-time'],
  'trust-root-tlog-missing-validity-start_fail': ['invalid-trusted-root', 'trusted-root'],
}

describe('sigstore-conformance vectors', () => {
  it('has cases and a consistent exceptions list', () => {
    assert.ok(cases.length >= 50, `only ${cases.length} cases`)
    for (const name of Object.keys(exceptions)) {
      assert.ok(
        cases.some((c) => c.name === name),
        `exception ${name} names no case`,
      )
    }
    for (const name of Object.keys(expected)) {
      assert.ok(
        cases.some((c) => c.name === name),
        `expected code for ${name}, which is no case`,
      )
    }
  })

  for (const c of cases) {
    const excepted = Object.hasOwn(exceptions, c.name)
    for (const mode of ['async', 'sync']) {
      for (const form of ['artifact', 'digest']) {
        it(`${c.name} [${mode} ${form}]`, async () => {
          let outcome
          try {
            outcome = { ok: true, result: await run(c, mode, form) }
          } catch (error) {
            outcome = { ok: false, error }
          }
          const asExpected = outcome.ok !== c.mustFail
          if (excepted) {
            assert.ok(
              !asExpected,
              `listed in tests/conformance-exceptions.json (${exceptions[c.name]}) but now behaves as expected: remove the exception`,
            )
            return
          }
          if (c.mustFail) {
            assert.ok(!outcome.ok, 'must be rejected, but verified')
            const e = outcome.error
            assert.ok(e instanceof SigverifyError, `rejected with a non-sigverify error: ${e}`)
            assert.equal(typeof e.code, 'string')
            assert.equal(typeof e.check, 'string')
            assert.notEqual(e.code, 'internal-error', e.message)
            if (expected[c.name]) {
              assert.deepEqual([e.code, e.check], expected[c.name], e.message)
            }
          } else {
            if (!outcome.ok) throw outcome.error
            const r = outcome.result
            assert.ok(r.verifiedTimes.length > 0)
            for (const t of r.verifiedTimes) assert.ok(t.time instanceof Date)
            if (c.key) {
              assert.equal(r.signerType, 'key')
            } else {
              assert.equal(r.signerType, 'certificate')
              assert.equal(r.identity, c.identity)
              assert.equal(r.issuer, c.issuer)
            }
          }
        })
      }
    }
  }
})
