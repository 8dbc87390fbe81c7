'use strict'
// The API itself: module shape (CommonJS, ES module, worker threads), the input forms, the
// result's types, error classes and their parity between verify and verifySync, verifyMany, and
// argument checking.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Worker } = require('node:worker_threads')

const sigverify = require('sigverify')
const {
  TrustedRoot,
  Verifier,
  Policy,
  SigverifyError,
  VerificationError,
  InvalidInputError,
} = sigverify
const { conformanceDir, DEFAULT_IDENTITY, DEFAULT_ISSUER, sha256 } = require('./vectors.js')
const crypto = require('node:crypto')

const dir = conformanceDir()
const read = (...p) => fs.readFileSync(path.join(dir, ...p))
const happy = read('happy-path-v0.3', 'bundle.sigstore.json')
const artifact = read('a.txt')
const digest = `sha256:${sha256(artifact)}`
const policy = Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)
const verifier = new Verifier(TrustedRoot.publicGood())

/** A C2SP note verifier key (Ed25519 cosignature/v1) for a fresh key named `name`. */
function vkey(name) {
  const { publicKey } = crypto.generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const typed = Buffer.concat([Buffer.from([0x04]), raw])
  const id = crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), typed]))
    .digest()
    .subarray(0, 4)
  return `${name}+${id.toString('hex')}+${typed.toString('base64')}`
}

/** Runs `f` and returns what it threw (failing when it did not throw). */
function thrown(f) {
  try {
    f()
  } catch (e) {
    return e
  }
  assert.fail('did not throw')
}

/** A bad argument: InvalidInputError, code invalid-argument, no check. */
function assertArgumentError(e) {
  assert.ok(e instanceof InvalidInputError, `${e && e.stack}`)
  assert.equal(e.code, 'invalid-argument')
  assert.equal(e.check, null)
}

/** Awaits `p` and returns what it rejected with (failing when it resolved). */
async function rejected(p) {
  assert.ok(p instanceof Promise, 'not a promise')
  try {
    await p
  } catch (e) {
    return e
  }
  assert.fail('did not reject')
}

describe('module', () => {
  it('exports the classes, CommonJS and ES module alike', async () => {
    for (const name of ['TrustedRoot', 'Verifier', 'VerificationResult', 'Policy']) {
      assert.equal(typeof sigverify[name], 'function', name)
    }
    const esm = await import('sigverify')
    for (const name of [
      'TrustedRoot',
      'Verifier',
      'VerificationResult',
      'Policy',
      'SigverifyError',
      'VerificationError',
      'InvalidInputError',
    ]) {
      assert.equal(esm[name], sigverify[name], name)
    }
    assert.equal(esm.default, sigverify)
  })

  it('works in a worker thread, with the same error classes there', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { TrustedRoot, Verifier, Policy, VerificationError } = require('sigverify')
      const v = new Verifier(TrustedRoot.publicGood())
      const policy = Policy.identity(workerData.identity, workerData.issuer)
      v.verify(workerData.bundle, { digest: workerData.digest, policy }).then(async (r) => {
        let error
        try { v.verifySync(workerData.bundle, { digest: workerData.digest, policy: Policy.identity('x', 'y') }) }
        catch (e) { error = { isClass: e instanceof VerificationError, code: e.code } }
        parentPort.postMessage({ identity: r.identity, error })
      })`
    const worker = new Worker(code, {
      eval: true,
      workerData: { bundle: happy, digest, identity: DEFAULT_IDENTITY, issuer: DEFAULT_ISSUER },
    })
    const message = await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    assert.deepEqual(message, {
      identity: DEFAULT_IDENTITY,
      error: { isClass: true, code: 'policy-mismatch' },
    })
  })
})

describe('TrustedRoot', () => {
  it('has the embedded instances', () => {
    for (const [make, instance] of [
      [() => TrustedRoot.publicGood(), 'public-good'],
      [() => TrustedRoot.staging(), 'staging'],
      [() => TrustedRoot.github(), 'github'],
    ]) {
      const root = make()
      assert.ok(root instanceof TrustedRoot)
      assert.equal(root.name, instance)
      assert.ok(root.certificateAuthorityCount >= 1)
    }
    assert.ok(TrustedRoot.publicGood().tlogCount >= 1)
    assert.equal(TrustedRoot.github().tlogCount, 0)
  })

  it('reads a trusted_root.json as bytes, string or object', () => {
    const bytes = read('intoto-with-custom-trust-root', 'trusted_root.json')
    for (const form of [bytes, new Uint8Array(bytes), bytes.toString(), JSON.parse(bytes)]) {
      const root = TrustedRoot.fromJSON(form)
      assert.equal(root.name, null)
    }
  })

  it('refuses an unusable root with InvalidInputError', () => {
    for (const [input, code] of [
      ['{', 'invalid-json'],
      ['[]', 'invalid-json'],
      [Buffer.from([0xff, 0xfe]), 'invalid-json'],
      [{ mediaType: 'nope' }, null],
    ]) {
      const e = thrown(() => TrustedRoot.fromJSON(input))
      assert.ok(e instanceof InvalidInputError, `${e}`)
      assert.equal(e.check, 'trusted-root')
      if (code) assert.equal(e.code, code)
    }
    for (const bad of [42, undefined, null, true]) {
      assertArgumentError(thrown(() => TrustedRoot.fromJSON(bad)))
    }
  })
})

describe('Policy', () => {
  it('makes identity, key, document and unsafe policies', () => {
    assert.ok(Policy.identity('a', 'b') instanceof Policy)
    const pem = read('managed-key-happy-path', 'key.pub')
    assert.ok(Policy.key(pem) instanceof Policy)
    assert.ok(Policy.key(pem.toString()) instanceof Policy)
    const doc = { version: 1, identity: DEFAULT_IDENTITY, issuer: DEFAULT_ISSUER }
    assert.ok(Policy.fromJSON(doc) instanceof Policy)
    assert.ok(Policy.fromJSON(JSON.stringify(doc)) instanceof Policy)
    assert.ok(Policy.fromJSON(Buffer.from(JSON.stringify(doc))) instanceof Policy)
    assert.ok(Policy.withoutIdentityUnsafe() instanceof Policy)
  })

  it('a policy document verifies like the policy it describes', () => {
    const doc = Policy.fromJSON({ version: 1, identity: DEFAULT_IDENTITY, issuer: DEFAULT_ISSUER })
    assert.equal(verifier.verifySync(happy, { digest, policy: doc }).identity, DEFAULT_IDENTITY)
    const other = Policy.fromJSON({ version: 1, identity: 'https://example.com/x', issuer: DEFAULT_ISSUER })
    assert.throws(() => verifier.verifySync(happy, { digest, policy: other }), {
      code: 'policy-mismatch',
    })
    const any = Policy.withoutIdentityUnsafe()
    assert.equal(verifier.verifySync(happy, { digest, policy: any }).identity, DEFAULT_IDENTITY)
  })

  it('refuses a bad key or document with InvalidInputError naming the problem', () => {
    for (const pem of ['not a key', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', Buffer.from([0xff])]) {
      const e = thrown(() => Policy.key(pem))
      assert.ok(e instanceof InvalidInputError, `${e}`)
      assert.equal(typeof e.code, 'string')
    }
    const e = thrown(() => Policy.fromJSON({ version: 1, identity: 'a', issuer: 'b', extra: 1 }))
    assert.ok(e instanceof InvalidInputError)
    assert.equal(e.code, 'invalid-policy')
    assert.match(e.message, /\$\.extra/)
    assert.equal(thrown(() => Policy.fromJSON('{')).code, 'invalid-json')
  })

  it('refuses a policy that names no signer (issue 16)', () => {
    for (const doc of [
      { version: 1, github: { sourceRef: 'refs/heads/main' } },
      { version: 1, github: { denySelfHostedRunners: true } },
      { version: 1, issuer: DEFAULT_ISSUER, claims: { sourceRepositoryRef: 'refs/heads/main' } },
      { version: 1, issuer: DEFAULT_ISSUER, identity: { regex: '.*' } },
      { version: 1, issuer: DEFAULT_ISSUER, claims: { buildSignerURI: { glob: '**' } } },
    ]) {
      const e = thrown(() => Policy.fromJSON(doc))
      assert.equal(e.name, 'InvalidInputError', JSON.stringify(doc))
      assert.equal(e.code, 'invalid-policy', JSON.stringify(doc))
      assert.match(e.message, /does not name who signed/)
    }
    for (const [identity, issuer] of [['', ''], ['', DEFAULT_ISSUER], [DEFAULT_IDENTITY, '']]) {
      const e = thrown(() => Policy.identity(identity, issuer))
      assert.equal(e.name, 'InvalidInputError')
      assert.equal(e.code, 'invalid-policy')
    }
    assert.ok(Policy.fromJSON({ version: 1, github: { owner: 'sigstore-conformance', sourceRef: 'refs/heads/main' } }) instanceof Policy)
    assert.equal(thrown(() => Policy.fromJSON({ identity: 'a', issuer: 'b' })).code, 'invalid-policy')
  })

  it('refuses arguments of the wrong type with invalid-argument', () => {
    for (const f of [
      () => Policy.identity('a'),
      () => Policy.identity(1, 'b'),
      () => Policy.identity('a', null),
      () => Policy.key(),
      () => Policy.key(5),
      () => Policy.fromJSON(true),
    ]) {
      assertArgumentError(thrown(f))
    }
  })
})

describe('Verifier', () => {
  const thresholds = (v) => [v.tlogThreshold, v.sctThreshold, v.timestampThreshold, v.witnessThreshold]

  it('has the core defaults, and explicit thresholds', () => {
    assert.deepEqual(thresholds(verifier), [1, 1, 0, null])
    assert.equal(verifier.backend, 'aws-lc-rs')
    assert.deepEqual(
      thresholds(new Verifier(TrustedRoot.publicGood(), { sctThreshold: 0, tlogThreshold: undefined })),
      [1, 0, 0, null],
    )
    const github = new Verifier(TrustedRoot.github(), { tlogThreshold: 0, timestampThreshold: 1, sctThreshold: 0 })
    assert.deepEqual(thresholds(github), [0, 0, 1, null])
    // An embedded root starts from its instance's options (issue 17): GitHub's for GitHub's.
    assert.deepEqual(thresholds(new Verifier(TrustedRoot.github())), [0, 0, 1, null])
    assert.deepEqual(thresholds(new Verifier(TrustedRoot.github(), { timestampThreshold: 0 })), [0, 0, 0, null])
  })

  it('refuses thresholds that the root can never meet, saying what to pass', () => {
    // The core decides (the same code in every face): invalid-options, naming what to pass.
    // The GitHub root read as JSON is no embedded instance: it starts from the core's defaults.
    const githubJSON = fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'roots', 'github.trusted_root.json'))
    const e = thrown(() => new Verifier(TrustedRoot.fromJSON(githubJSON)))
    assert.equal(e.name, 'InvalidInputError')
    assert.equal(e.code, 'invalid-options')
    assert.match(e.message, /tlog_threshold 0 \(and timestamp_threshold 1\)/)
    assert.equal(thrown(() => new Verifier(TrustedRoot.github(), { tlogThreshold: 1 })).code, 'invalid-options')
    assert.equal(thrown(() => new Verifier(TrustedRoot.publicGood(), { sctThreshold: 1025 })).code, 'invalid-options')
    const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'roots', 'public-good.trusted_root.json')))
    delete doc.timestampAuthorities
    const noTsa = TrustedRoot.fromJSON(doc)
    assert.equal(noTsa.timestampAuthorityCount, 0)
    assert.equal(thrown(() => new Verifier(noTsa, { timestampThreshold: 1 })).code, 'invalid-options')
  })

  it('applies its thresholds', () => {
    const strict = new Verifier(TrustedRoot.publicGood(), { tlogThreshold: 2 })
    assert.throws(() => strict.verifySync(happy, { digest, policy }), { code: 'transparency-log' })
    const stamps = new Verifier(TrustedRoot.publicGood(), { timestampThreshold: 1 })
    assert.throws(() => stamps.verifySync(happy, { digest, policy }), VerificationError)
  })

  it('applies a witness policy', () => {
    const witness = vkey('witness.example')
    const v = new Verifier(TrustedRoot.publicGood(), { witnesses: [witness] })
    assert.equal(v.witnessThreshold, 1)
    assert.throws(() => v.verifySync(happy, { digest, policy }), VerificationError)
    const c = 'rekor2-checkpoint-cosigned'
    const cosigned = new Verifier(TrustedRoot.fromJSON(read(c, 'trusted_root.json')), { witnesses: [witness] })
    assert.throws(
      () => cosigned.verifySync(read(c, 'bundle.sigstore.json'), { artifact, policy }),
      VerificationError,
      'a cosignature by another key of the same name must not count',
    )
  })

  it('refuses bad options and roots', () => {
    for (const options of [
      { tlogThreshold: -1 },
      { tlogThreshold: 1.5 },
      { tlogThreshold: Number.NaN },
      { sctThreshold: Infinity },
      { sctThreshold: '1' },
      { witnesses: 'key' },
      { witnesses: [5] },
      3,
      'x',
    ]) {
      assertArgumentError(thrown(() => new Verifier(TrustedRoot.publicGood(), options)))
    }
    // A witness threshold without witnesses is the core's quorum rule, as in every face.
    const quorum = thrown(() => new Verifier(TrustedRoot.publicGood(), { witnessThreshold: 1 }))
    assert.ok(quorum instanceof InvalidInputError)
    assert.equal(quorum.code, 'invalid-policy')
    for (const witnesses of [['not a key'], []]) {
      const e = thrown(() => new Verifier(TrustedRoot.publicGood(), { witnesses }))
      assert.ok(e instanceof InvalidInputError, `${e}`)
    }
    const two = [vkey('a.example'), vkey('b.example')]
    assert.equal(new Verifier(TrustedRoot.publicGood(), { witnesses: two, witnessThreshold: 1 }).witnessThreshold, 1)
    assert.ok(thrown(() => new Verifier(TrustedRoot.publicGood(), { witnesses: two, witnessThreshold: 3 })) instanceof InvalidInputError)
    for (const root of [{}, Policy.identity('a', 'b'), undefined, null]) {
      assertArgumentError(thrown(() => new Verifier(root)))
    }
  })
})

describe('verify and verifySync', () => {
  const forms = {
    Buffer: happy,
    Uint8Array: new Uint8Array(happy),
    'Uint8Array view at an offset': new Uint8Array(Buffer.concat([Buffer.from('xxxx'), happy]).buffer, 4, happy.length),
    string: happy.toString('utf8'),
    'parsed object': JSON.parse(happy.toString('utf8')),
  }
  for (const [name, bundle] of Object.entries(forms)) {
    it(`takes the bundle as a ${name}`, async () => {
      assert.equal(verifier.verifySync(bundle, { artifact, policy }).identity, DEFAULT_IDENTITY)
      assert.equal((await verifier.verify(bundle, { digest, policy })).identity, DEFAULT_IDENTITY)
    })
  }

  it('takes the artifact as a Uint8Array too, and sha384/sha512 digests where the bundle has them', async () => {
    const r = await verifier.verify(happy, { artifact: new Uint8Array(artifact), policy })
    assert.equal(r.identity, DEFAULT_IDENTITY)
    const e = thrown(() => verifier.verifySync(happy, { digest: `sha512:${'00'.repeat(64)}`, policy }))
    assert.ok(e instanceof SigverifyError)
  })

  it('returns a typed result whose properties are built when read', async () => {
    const r = await verifier.verify(happy, { artifact, policy })
    assert.ok(r instanceof sigverify.VerificationResult)
    assert.throws(() => new sigverify.VerificationResult(), /contains no `constructor`/)
    assert.equal(r.bundleVersion, '0.3')
    assert.equal(r.signatureDigestAlgorithm, 'sha256')
    assert.match(r.mediaType, /^application\/vnd\.dev\.sigstore\.bundle/)
    assert.equal(r.signerType, 'certificate')
    assert.equal(r.identity, DEFAULT_IDENTITY)
    assert.equal(r.identityType, 'uri')
    assert.equal(r.issuer, DEFAULT_ISSUER)
    assert.equal(r.claims.sourceRepositoryURI, 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon')
    assert.equal(r.claims.runnerEnvironment, 'github-hosted')
    assert.ok(Buffer.isBuffer(r.certificate) && r.certificate[0] === 0x30)
    assert.equal(r.claimOids['1.3.6.1.4.1.57264.1.12'], r.claims.sourceRepositoryURI)
    assert.equal(r.keySha256, undefined)
    assert.deepEqual(
      r.policyChecks.map((c) => [c.claim, c.found]),
      [
        ['identity', DEFAULT_IDENTITY],
        ['issuer', DEFAULT_ISSUER],
      ],
    )
    assert.equal(r.statement, undefined)
    assert.equal(r.verifiedTimes.length, 1)
    const [t] = r.verifiedTimes
    assert.ok(t.time instanceof Date)
    assert.equal(t.time.toISOString(), '2024-03-19T17:26:26.000Z')
    assert.equal(t.source, 'transparency-log')
    assert.equal(t.logUrl, 'https://rekor.sigstore.dev')
    assert.equal(typeof t.logIndex, 'number')
    assert.equal(r.earliestTime.getTime(), t.time.getTime())
    const [e] = r.logEntries
    assert.equal(e.kind, 'hashedrekord')
    assert.equal(e.version, '0.0.1')
    assert.equal(e.logIndex, t.logIndex)
    assert.match(e.logId, /^[0-9a-f]{64}$/)
    assert.ok(e.integratedTime instanceof Date)
    assert.equal(e.inclusionProof, true)
    assert.match(e.checkpointOrigin, /^rekor\.sigstore\.dev - [0-9]+$/)
    assert.equal(e.logUrl, t.logUrl)
    assert.deepEqual(e.cosignedBy, [])
    assert.equal(r.backend, 'aws-lc-rs')
    // JSON.stringify writes the core's JSON, the CLI's --json document; util.inspect shows it.
    const json = JSON.parse(JSON.stringify(r))
    assert.deepEqual(json, r.toJSON())
    assert.deepEqual(verifier.verifySync(happy, { artifact, policy }).toJSON(), json)
    assert.equal(json.signer.type, 'certificate')
    assert.equal(json.signer.identity, DEFAULT_IDENTITY)
    assert.equal(json.signer.claims.sourceRepositoryURI, r.claims.sourceRepositoryURI)
    assert.equal(Buffer.from(json.signer.certificate, 'base64').compare(r.certificate), 0)
    assert.equal(json.verifiedTimes[0].unix * 1000, r.earliestTime.getTime())
    assert.equal(json.logEntries[0].logIndex, e.logIndex)
    assert.match(require('node:util').inspect(r), new RegExp(`^VerificationResult \\{[^]*${DEFAULT_ISSUER.replace(/[./]/g, '\\$&')}`))
  })

  it('returns the in-toto statement of a DSSE bundle, and a key signer', () => {
    const c = 'intoto-with-custom-trust-root'
    const v = new Verifier(TrustedRoot.fromJSON(read(c, 'trusted_root.json')))
    const art = read(c, 'artifact')
    const r = v.verifySync(read(c, 'bundle.sigstore.json'), { artifact: art, policy })
    assert.equal(r.statement.type, 'https://in-toto.io/Statement/v1')
    assert.equal(typeof r.statement.predicateType, 'string')
    assert.ok(r.statement.subjects.some((s) => s.digest.sha256 === sha256(art)))
    assert.notEqual(r.statement.predicate, undefined)

    const k = 'managed-key-happy-path'
    const rk = verifier.verifySync(read(k, 'bundle.sigstore.json'), {
      artifact,
      policy: Policy.key(read(k, 'key.pub')),
    })
    assert.equal(rk.signerType, 'key')
    assert.equal(rk.identity, undefined)
    assert.deepEqual(rk.claims, {})
    assert.match(rk.keySha256, /^[0-9a-f]{64}$/)
  })

  it('throws and rejects with the same error class, code, check and message', async () => {
    const wrong = Policy.identity('https://example.com/x', DEFAULT_ISSUER)
    const cases = [
      [happy, { digest, policy: wrong }, VerificationError, 'policy-mismatch', 'policy'],
      [happy, { artifact: Buffer.from('other'), policy }, VerificationError, 'artifact-mismatch', 'artifact'],
      ['{', { digest, policy }, InvalidInputError, 'invalid-json', 'bundle-format'],
      [happy, { digest: 'sha256:zz', policy }, InvalidInputError, 'invalid-artifact', 'artifact'],
      [happy, { digest: 'md5:00', policy }, InvalidInputError, 'invalid-artifact', 'artifact'],
    ]
    for (const [bundle, options, Class, code, check] of cases) {
      const sync = thrown(() => verifier.verifySync(bundle, options))
      const async_ = await rejected(verifier.verify(bundle, options))
      for (const e of [sync, async_]) {
        assert.ok(e instanceof Class, `${code}: ${e}`)
        assert.ok(e instanceof SigverifyError && e instanceof Error)
        assert.equal(e.name, Class.name)
        assert.equal(e.code, code)
        assert.equal(e.check, check)
        assert.ok(e.message.startsWith(`${check} check failed`), e.message)
        assert.ok(typeof e.stack === 'string')
      }
      assert.equal(sync.message, async_.message)
    }
    // Neither or both of artifact and digest: an argument error, as in Python (the same code in
    // every face).
    for (const options of [{ policy }, { artifact, digest, policy }]) {
      const sync = thrown(() => verifier.verifySync(happy, options))
      const async_ = await rejected(verifier.verify(happy, options))
      for (const e of [sync, async_]) {
        assert.ok(e instanceof InvalidInputError, `${e}`)
        assert.equal(e.code, 'invalid-argument')
      }
    }
  })

  it('names the policy mismatch: expected and found', () => {
    const e = thrown(() =>
      verifier.verifySync(happy, { digest, policy: Policy.identity('https://example.com/x', DEFAULT_ISSUER) }),
    )
    assert.match(e.message, /expected "https:\/\/example\.com\/x"/)
    assert.ok(e.message.includes(DEFAULT_IDENTITY))
  })

  it('refuses arguments of the wrong type: verifySync throws, verify rejects', async () => {
    const bad = [
      [undefined, { digest, policy }],
      [42, { digest, policy }],
      [happy],
      [happy, null],
      [happy, 'sha256:00'],
      [happy, { digest }],
      [happy, { digest, policy: {} }],
      [happy, { digest, policy: TrustedRoot.publicGood() }],
      [happy, { digest: 5, policy }],
      [happy, { artifact: 'text', policy }],
      [happy, { artifact: new Uint16Array(4), policy }],
      [happy, { artifact: [1, 2, 3], policy }],
    ]
    for (const args of bad) {
      const sync = thrown(() => verifier.verifySync(...args))
      assertArgumentError(sync)
      const async_ = await rejected(verifier.verify(...args))
      assertArgumentError(async_)
      assert.equal(async_.message, sync.message)
    }
  })

  it('refuses a bundle object with no JSON form as invalid-json', async () => {
    const cyclic = JSON.parse(happy.toString())
    cyclic.self = cyclic
    for (const bundle of [cyclic, { n: 10n }, { toJSON() { throw new Error('boom') } }]) {
      const e = thrown(() => verifier.verifySync(bundle, { digest, policy }))
      assert.ok(e instanceof InvalidInputError, `${e}`)
      assert.equal(e.code, 'invalid-json')
      assert.equal((await rejected(verifier.verify(bundle, { digest, policy }))).code, 'invalid-json')
    }
  })

  it('copies the artifact for async work: changing it afterwards changes nothing', async () => {
    const mine = Buffer.from(artifact)
    const p = verifier.verify(happy, { artifact: mine, policy })
    mine.fill(0)
    assert.equal((await p).identity, DEFAULT_IDENTITY)
  })

  it('runs many verifications concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        verifier.verify(happy, i % 2 ? { digest, policy } : { artifact, policy }),
      ),
    )
    assert.ok(results.every((r) => r.identity === DEFAULT_IDENTITY))
  })
})

describe('verifyMany', () => {
  const items = [
    { bundle: happy, artifact, policy },
    { bundle: '{', digest, policy },
    { bundle: happy.toString(), digest, policy: Policy.identity('x', 'y') },
    { bundle: JSON.parse(happy.toString()), digest, policy },
    { bundle: happy, digest: 5, policy },
    null,
    { digest, policy },
  ]

  it('returns one outcome per item, in order', async () => {
    for (const jobs of [undefined, 1, 2, 7]) {
      const out = await verifier.verifyMany(items, jobs === undefined ? undefined : { jobs })
      assert.equal(out.length, items.length)
      assert.deepEqual(
        out.map((o) => o.ok),
        [true, false, false, true, false, false, false],
      )
      assert.equal(out[0].result.identity, DEFAULT_IDENTITY)
      assert.equal(out[0].error, undefined)
      assert.ok(out[1].error instanceof InvalidInputError)
      assert.equal(out[1].error.code, 'invalid-json')
      assert.equal(out[1].result, undefined)
      assert.ok(out[2].error instanceof VerificationError)
      assert.equal(out[2].error.code, 'policy-mismatch')
      assert.deepEqual(out[3].result, out[0].result)
      for (const o of out.slice(4)) assertArgumentError(o.error)
    }
  })

  it('gives items without a policy the default one', async () => {
    const out = await verifier.verifyMany(
      [{ bundle: happy, digest }, { bundle: happy, digest, policy: Policy.identity('x', 'y') }, { bundle: happy, digest }],
      { policy },
    )
    assert.deepEqual(
      out.map((o) => o.ok),
      [true, false, true],
    )
    const none = await verifier.verifyMany([{ bundle: happy, digest }])
    assertArgumentError(none[0].error)
  })

  it('handles an empty list and a long one', async () => {
    assert.deepEqual(await verifier.verifyMany([]), [])
    const many = Array.from({ length: 100 }, () => ({ bundle: happy, digest }))
    const out = await verifier.verifyMany(many, { jobs: 2, policy })
    assert.ok(out.every((o) => o.ok))
  })

  it('rejects only when the list or the options are unusable', async () => {
    for (const [list, options] of [
      ['nope', undefined],
      [{ length: 1 }, undefined],
      [undefined, undefined],
      [items, { jobs: 0 }],
      [items, { jobs: 1.5 }],
      // The host's bound, the same in every face (Node's own was 256 before issue 17).
      [items, { jobs: 1025 }],
      [items, { jobs: '2' }],
      [items, { policy: 'p' }],
      [items, 5],
    ]) {
      assertArgumentError(await rejected(verifier.verifyMany(list, options)))
    }
  })
})
