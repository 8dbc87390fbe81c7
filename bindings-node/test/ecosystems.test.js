'use strict'
// Real signatures as their ecosystems publish them (../shared/vectors/ecosystems): PyPI
// attestations, npm provenance and publish attestations, GitHub artifact attestations. Each
// sample's bundle.json is a plain Sigstore bundle; it is verified from its digest (and its bytes
// where the sample carries the artifact), sync and async, and near misses are refused.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { TrustedRoot, Verifier, Policy, VerificationError } = require('sigverify')
const { ecosystemCases, ecosystemExceptions } = require('./vectors.js')

const cases = ecosystemCases('generic')

/** The verifier a sample needs: GitHub's instance where it names one (thresholds explicit). */
function verifierFor(c) {
  if (c.trustedRoot) {
    return new Verifier(TrustedRoot.fromJSON(fs.readFileSync(c.trustedRoot)), {
      tlogThreshold: 0,
      sctThreshold: 0,
      timestampThreshold: 1,
    })
  }
  return new Verifier(TrustedRoot.publicGood())
}

const policyFor = (c) =>
  c.key ? Policy.key(fs.readFileSync(c.key)) : Policy.identity(c.identity, c.issuer)

/** The same digest with its last hex digit changed. */
function otherDigest(digest) {
  const last = digest.at(-1) === '0' ? '1' : '0'
  return digest.slice(0, -1) + last
}

describe('samples only their ecosystem entry point verifies (tests/ecosystem-exceptions.json)', () => {
  const all = ecosystemCases()
  for (const [name, reason] of Object.entries(ecosystemExceptions('generic'))) {
    it(`${name} is refused as a plain bundle (${reason})`, () => {
      const c = all.find((c) => c.name === name)
      assert.ok(c, `exception ${name} names no sample`)
      assert.throws(() => verifierFor(c).verifySync(fs.readFileSync(c.bundle), { digest: c.digest, policy: policyFor(c) }))
    })
  }
})

describe('ecosystem samples', () => {
  it('has samples, all expected to verify', () => {
    assert.ok(cases.length >= 5)
    for (const c of cases) assert.equal(c.meta.expect, 'pass', c.name)
  })

  for (const c of cases) {
    describe(c.name, () => {
      const verifier = verifierFor(c)
      const policy = policyFor(c)
      const bundle = fs.readFileSync(c.bundle)

      const check = (r) => {
        assert.equal(r.bundleVersion, c.meta.bundle_format.replace('bundle-v', ''))
        if (c.key) {
          assert.equal(r.signerType, 'key')
          assert.match(r.keySha256, /^[0-9a-f]{64}$/)
        } else {
          assert.equal(r.signerType, 'certificate')
          assert.equal(r.identity, c.identity)
          assert.equal(r.issuer, c.issuer)
          assert.equal(r.claims.issuer ?? r.issuer, c.issuer)
        }
        assert.equal(r.logEntries.length, c.meta.tlog_kinds.length)
        assert.deepEqual(
          r.logEntries.map((e) => `${e.kind}/${e.version}`),
          c.meta.tlog_kinds,
        )
        const stamps = r.verifiedTimes.filter((t) => t.source === 'rfc3161-timestamp')
        assert.equal(stamps.length, c.meta.rfc3161_timestamps)
        assert.ok(r.earliestTime instanceof Date)
        if (c.meta.content === 'dsse') {
          assert.equal(r.statement.predicateType, c.meta.predicate_type)
          const [alg, hex] = c.digest.split(':')
          assert.ok(r.statement.subjects.some((s) => s.digest[alg] === hex))
        }
      }

      it('verifies from its digest (async)', async () => {
        check(await verifier.verify(bundle, { digest: c.digest, policy }))
      })

      it('verifies from its digest (sync), the bundle as a parsed object', () => {
        check(verifier.verifySync(JSON.parse(bundle.toString('utf8')), { digest: c.digest, policy }))
      })

      if (c.artifact) {
        it('verifies from its bytes (async and sync)', async () => {
          const artifact = fs.readFileSync(c.artifact)
          check(await verifier.verify(bundle, { artifact, policy }))
          check(verifier.verifySync(bundle.toString('utf8'), { artifact, policy }))
        })
      }

      it('refuses another digest', async () => {
        await assert.rejects(verifier.verify(bundle, { digest: otherDigest(c.digest), policy }), {
          name: 'VerificationError',
          code: 'artifact-mismatch',
          check: 'artifact',
        })
      })

      if (!c.key) {
        it('refuses near-miss identities and another issuer', () => {
          const nearMisses = [c.identity.slice(0, -1), `${c.identity}x`, `x${c.identity}`]
          // URIs also with another scheme (an email identity has none).
          if (c.identity.startsWith('https://')) nearMisses.push(c.identity.replace('https://', 'http://'))
          for (const identity of nearMisses) {
            assert.throws(
              () => verifier.verifySync(bundle, { digest: c.digest, policy: Policy.identity(identity, c.issuer) }),
              (e) => e instanceof VerificationError && e.code === 'policy-mismatch' && e.check === 'policy',
              identity,
            )
          }
          assert.throws(
            () =>
              verifier.verifySync(bundle, {
                digest: c.digest,
                policy: Policy.identity(c.identity, 'https://accounts.google.com'),
              }),
            { code: 'policy-mismatch' },
          )
        })
      }
    })
  }

  describe('Policy.github and Policy.gitlab on real signers', () => {
    const verifier = new Verifier(TrustedRoot.publicGood())
    const run = (name, policy) => {
      const c = cases.find((x) => x.name === name)
      return verifier.verifySync(fs.readFileSync(c.bundle), { digest: c.digest, policy })
    }
    const gh = 'github-reusable-workflow-attestation'
    const gl = 'pypi-gitlab-oidc-project-0.0.3-publish-pep740'

    it('accepts the true claims, and lists what it checked', () => {
      const r = run(
        gh,
        Policy.github({
          repository: 'malancas/attest-demo',
          signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.yml',
          sourceRef: 'refs/heads/main',
          denySelfHostedRunners: true,
          predicateType: 'https://slsa.dev/provenance/v1',
        }),
      )
      const checked = r.policyChecks.map((c) => c.claim)
      for (const claim of ['issuer', 'sourceRepositoryURI', 'buildSignerURI', 'sourceRepositoryRef', 'runnerEnvironment', 'statement.predicateType']) {
        assert.ok(checked.includes(claim), `${claim} not in ${checked}`)
      }
      run(gh, Policy.github({ owner: 'malancas' }))
      run(gl, Policy.gitlab({ project: 'facutuesca/gitlab-oidc-project', sourceRef: 'refs/heads/main', denySelfHostedRunners: true }))
      run(gl, Policy.gitlab({ namespace: 'facutuesca' }))
    })

    it('refuses near misses', () => {
      for (const requirements of [
        { repository: 'malancas/attest-dem' },
        { repository: 'malancas/attest-demo-x' },
        { repository: 'malanca/attest-demo' },
        { owner: 'malanca' },
        { repository: 'malancas/attest-demo', sourceRef: 'refs/heads/mai' },
        { repository: 'malancas/attest-demo', predicateType: 'https://slsa.dev/provenance/v0.2' },
        { signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.ym' },
        { signerWorkflow: 'malancas/attest-demo/.github/workflows/attest.yml' },
      ]) {
        assert.throws(() => run(gh, Policy.github(requirements)), { name: 'VerificationError', code: 'policy-mismatch' }, JSON.stringify(requirements))
      }
      assert.throws(() => run(gl, Policy.github({ repository: 'facutuesca/gitlab-oidc-project' })), { code: 'policy-mismatch' })
      assert.throws(() => run(gh, Policy.gitlab({ project: 'malancas/attest-demo' })), { code: 'policy-mismatch' })
    })

    it('refuses requirements that name nobody, or of the wrong type', () => {
      for (const f of [
        () => Policy.github(),
        () => Policy.github({ repository: 5 }),
        () => Policy.github({ owner: 'x', denySelfHostedRunners: 'yes' }),
      ]) {
        assert.throws(f, { name: 'InvalidInputError', code: 'invalid-argument' })
      }
      // The core decides that these name nobody (the same rule as for documents and the CLI).
      for (const f of [
        () => Policy.github({}),
        () => Policy.github({ sourceRef: 'refs/heads/main' }),
        () => Policy.github({ sourceRef: 'refs/heads/main', denySelfHostedRunners: true, predicateType: 'x' }),
        () => Policy.gitlab({ denySelfHostedRunners: true }),
      ]) {
        assert.throws(f, { name: 'InvalidInputError', code: 'invalid-policy', message: /does not name who signed/ })
      }
      for (const repository of ['OWNER', 'malancas/attest-demo/extra']) {
        assert.throws(() => Policy.github({ repository }), { name: 'InvalidInputError', code: 'invalid-policy' })
      }
    })
  })

  it('GitHub attestations verify with TrustedRoot.github(), its default or explicit thresholds', () => {
    const c = cases.find((x) => x.meta.root === 'github')
    assert.ok(c, 'no GitHub-instance sample')
    // The embedded GitHub root starts from GitHub's thresholds (issue 17; refused before).
    for (const verifier of [
      new Verifier(TrustedRoot.github()),
      new Verifier(TrustedRoot.github(), { tlogThreshold: 0, timestampThreshold: 1, sctThreshold: 0 }),
    ]) {
      const r = verifier.verifySync(fs.readFileSync(c.bundle), {
        digest: c.digest,
        policy: Policy.identity(c.identity, c.issuer),
      })
      assert.equal(r.logEntries.length, 0)
      assert.equal(r.verifiedTimes[0].source, 'rfc3161-timestamp')
      assert.equal(typeof r.verifiedTimes[0].authority, 'string')
    }
  })

  it('a GitHub attestation fails without its timestamp when one is required of a log-less root', () => {
    const c = cases.find((x) => x.meta.root === 'github')
    const verifier = new Verifier(TrustedRoot.fromJSON(fs.readFileSync(c.trustedRoot)), {
      tlogThreshold: 0,
      timestampThreshold: 2,
      sctThreshold: 0,
    })
    assert.throws(
      () =>
        verifier.verifySync(fs.readFileSync(c.bundle), {
          digest: c.digest,
          policy: Policy.identity(c.identity, c.issuer),
        }),
      { name: 'VerificationError' },
    )
  })
})
