'use strict'
// The ecosystem adapters (pypi, npm, github): every real sample of the shared vectors through its
// ecosystem's own API, from its own object (PEP 740 attestation, Integrity API provenance object,
// npm attestations response, GitHub JSON lines or bundle), async and sync, in every artifact form
// the API takes; then near misses (another file name, digest, package, repository, publisher,
// instance; an unknown npm registry key id) and bad arguments.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const {
  TrustedRoot,
  Verifier,
  Policy,
  VerificationError,
  InvalidInputError,
  pypi,
  npm,
  github,
  model,
  bcr,
} = require('sigverify')
const { ecosystemCases, ecosystemExceptions } = require('./vectors.js')

// GitHub release attestations have their own adapter (github.verifyRelease, see below and
// github-release.test.js); the other loops are the attestation adapters'.
const isRelease = (c) => String(c.meta.predicate_type || '').startsWith('https://in-toto.io/attestation/release/')
const releaseCases = ecosystemCases('adapter').filter(isRelease)
const cases = ecosystemCases('adapter').filter((c) => !isRelease(c))
const publicGood = new Verifier(TrustedRoot.publicGood())
const NPM_PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1'
const KNOWN = new Set([
  'bundle.json',
  'digest',
  'identity',
  'issuer',
  'meta.json',
  'artifact',
  'public_key.pem',
  'trusted_root.json',
])

/** The sample's original ecosystem object (the one file that is not a derived one). */
function original(c) {
  const dir = path.dirname(c.bundle)
  const files = fs.readdirSync(dir).filter((f) => !KNOWN.has(f))
  assert.equal(files.length, 1, `${c.name}: ${files}`)
  return path.join(dir, files[0])
}

const sample = (ecosystem, format) => {
  const c = cases.find(
    (c) => c.meta.ecosystem === ecosystem && (format === undefined || c.meta.format === format),
  )
  assert.ok(c, `no ${ecosystem} ${format ?? ''} sample`)
  return c
}

/** The same digest with its last hex digit changed. */
const flip = (d) => d.slice(0, -1) + (d.at(-1) === '0' ? '1' : '0')

/** The error `p` (a promise) rejects with, checked for its class. */
async function rejects(p, Class, code, check) {
  let error
  try {
    await p
  } catch (e) {
    error = e
  }
  assert.ok(error, 'expected a rejection')
  assert.ok(error instanceof Class, `${error.name}: ${error.message}`)
  if (code !== undefined) assert.equal(error.code, code, error.message)
  if (check !== undefined) assert.equal(error.check, check, error.message)
  return error
}

// ---------------------------------------------------------------------------------------------
// PyPI

const distName = (c) => path.basename(original(c)).replace(/\.(provenance|publish\.attestation)$/, '')

function publisher(c) {
  const tp = c.meta.trusted_publisher
  if (tp.kind === 'GitHub') return `github:${tp.repository}/${tp.workflow}`
  if (tp.kind === 'GitLab') return `gitlab:${tp.repository}/${tp.workflow_filepath}`
  throw new Error(`${c.name}: unknown trusted publisher ${JSON.stringify(tp)}`)
}

/** verifyProvenance, or verifyAttestation as a one-element array, per the sample's format. */
async function viaPypi(c, options, { sync = false, doc } = {}) {
  const input = doc ?? fs.readFileSync(original(c))
  if (c.meta.format === 'pypi-provenance') {
    return sync
      ? pypi.verifyProvenanceSync(publicGood, input, options)
      : await pypi.verifyProvenance(publicGood, input, options)
  }
  assert.equal(c.meta.format, 'pep740', c.name)
  return [
    sync
      ? pypi.verifyAttestationSync(publicGood, input, options)
      : await pypi.verifyAttestation(publicGood, input, options),
  ]
}

// ---------------------------------------------------------------------------------------------
// npm

function npmPackage(c) {
  const bundle = JSON.parse(fs.readFileSync(c.bundle, 'utf8'))
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString())
  const [subject] = statement.subject
  assert.ok(subject.name.startsWith('pkg:npm/'), subject.name)
  return decodeURIComponent(subject.name.slice('pkg:npm/'.length))
}

const integrity = (digest) =>
  'sha512-' + Buffer.from(digest.replace(/^sha512:/, ''), 'hex').toString('base64')

/** OWNER/REPO of a GitHub Actions certificate. */
function repositoryOf(r) {
  const uri = r.claims.sourceRepositoryURI
  if (uri) return uri.replace('https://github.com/', '')
  return r.claims.githubWorkflowRepository
}

const npmKeysJSON = () =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'roots', 'npm-keys.json'), 'utf8'))

// ---------------------------------------------------------------------------------------------
// GitHub

function githubVerifierFor(c) {
  if (c.meta.root === 'github') {
    return new Verifier(TrustedRoot.fromJSON(fs.readFileSync(c.trustedRoot)), {
      tlogThreshold: 0,
      sctThreshold: 0,
      timestampThreshold: 1,
    })
  }
  return publicGood
}

const workflowOf = (identity) => identity.replace('https://github.com/', '').split('@')[0]

// ---------------------------------------------------------------------------------------------

describe('every ecosystem sample through its ecosystem API', () => {
  // Samples whose format no adapter reads yet: reported as todo, never as passes.
  for (const [name, reason] of Object.entries(ecosystemExceptions('adapter'))) {
    it(name, { todo: reason }, () => {
      assert.fail(reason)
    })
  }

  for (const c of releaseCases) {
    it(c.name, async () => {
      const raw = fs.readFileSync(c.bundle)
      const statement = JSON.parse(Buffer.from(JSON.parse(raw).dsseEnvelope.payload, 'base64').toString('utf8'))
      const purl = statement.subject.find((s) => String(s.uri || '').startsWith('pkg:github/')).uri
      const [repository, tag] = purl.slice('pkg:github/'.length).split('@')
      const hex = c.digest.replace('sha256:', '')
      const filename = statement.subject.find((s) => s.digest && s.digest.sha256 === hex).name
      for (const extra of [{}, { digest: c.digest, filename }]) {
        const r = await github.verifyRelease(raw, { repository, tag, ...extra })
        assert.equal(r.identity, c.identity)
      }
    })
  }

  it('has samples of every ecosystem', () => {
    const ecosystems = new Set(cases.map((c) => c.meta.ecosystem))
    const known = ['pypi', 'npm', 'github-attestations', 'model-signing', 'conda', 'bazel-bcr']
    for (const e of known) assert.ok(ecosystems.has(e), e)
    for (const c of cases) {
      assert.equal(c.meta.expect, 'pass', c.name)
      assert.ok(known.includes(c.meta.ecosystem), `${c.name}: add it here`)
    }
  })

  // Bazel Central Registry file attestations, through bcr (bcr.test.js has the near misses).
  for (const c of cases.filter((c) => c.meta.ecosystem === 'bazel-bcr')) {
    it(c.name, async () => {
      const dir = path.dirname(c.bundle)
      const jsonl = fs.readdirSync(dir).filter((f) => f.endsWith('.intoto.jsonl'))
      assert.equal(jsonl.length, 1)
      const name = jsonl[0].slice(0, -'.intoto.jsonl'.length)
      const o = {
        file: fs.readFileSync(path.join(dir, 'artifact')),
        name,
        bundle: fs.readFileSync(path.join(dir, jsonl[0])),
        repository: 'aspect-build/rules_lint',
      }
      for (const v of [bcr.verifySync(o), await bcr.verify(o)]) {
        assert.equal(v.files.length, 1)
        assert.equal(v.files[0].signerWorkflow, c.identity)
        assert.equal(v.files[0].result.identity, c.identity)
      }
      assert.throws(() => bcr.verifySync({ ...o, name: 'MODULE.bazel' }), VerificationError)
    })
  }

  // OpenSSF model signatures: the model folder beside model.sig, by the sample's method (the
  // key when it has one, else its identity), ignoring what the sample's signer ignored.
  for (const c of cases.filter((c) => c.meta.ecosystem === 'model-signing')) {
    it(c.name, async () => {
      const dir = path.dirname(c.bundle)
      const signature = path.join(dir, 'model.sig')
      const signer = c.key ? { key: fs.readFileSync(c.key) } : { identity: c.identity, issuer: c.issuer }
      const options = { signature, ignorePaths: ['ignore-me', 'model.sig'], ...signer }
      const v = await model.verify(path.join(dir, 'model'), options)
      assert.equal(v.manifestDigest, c.digest)
      assert.equal(v.signingMethod, c.key ? 'key' : 'sigstore')
      assert.deepEqual(model.verifySync(path.join(dir, 'model'), options).json, v.json)
    })
  }

  for (const c of cases.filter((c) => c.meta.ecosystem === 'pypi')) {
    it(c.name, async () => {
      const filename = distName(c)
      const forms = [{ digest: c.digest, filename }]
      if (c.artifact) forms.push({ dist: fs.readFileSync(c.artifact), filename })
      const signers = [{ publisher: publisher(c) }, { policy: Policy.identity(c.identity, c.issuer) }]
      if (c.meta.format === 'pypi-provenance') signers.push({ publisherFromProvenance: true })
      const results = []
      for (const form of forms) {
        for (const signer of signers) {
          results.push(...(await viaPypi(c, { ...form, ...signer })))
          results.push(...(await viaPypi(c, { ...form, ...signer }, { sync: true })))
        }
      }
      // Parsed and string forms of the document.
      const text = fs.readFileSync(original(c), 'utf8')
      results.push(...(await viaPypi(c, forms[0] && { ...forms[0], ...signers[0] }, { doc: text })))
      results.push(...(await viaPypi(c, { ...forms[0], ...signers[0] }, { doc: JSON.parse(text) })))
      assert.ok(results.length > 0)
      for (const r of results) {
        assert.equal(r.identity, c.identity)
        assert.equal(r.issuer, c.issuer)
        assert.equal(r.statement.predicateType, c.meta.predicate_type)
        assert.equal(r.statement.subjects.length, 1)
        assert.equal(r.statement.subjects[0].name, filename)
        assert.equal(r.statement.subjects[0].digest.sha256, c.digest.replace('sha256:', ''))
      }
    })
  }

  for (const c of cases.filter((c) => c.meta.ecosystem === 'npm')) {
    it(c.name, async () => {
      const pkg = npmPackage(c)
      const response = fs.readFileSync(original(c))
      const forms = [{ digest: c.digest }, { integrity: integrity(c.digest) }]
      const outcomes = []
      for (const form of forms) {
        outcomes.push(await npm.verify(publicGood, response, { package: pkg, ...form }))
        outcomes.push(npm.verifySync(publicGood, response, { package: pkg, ...form }))
      }
      outcomes.push(
        await npm.verify(publicGood, response, { package: pkg, digest: c.digest, keys: npm.RegistryKeys.embedded() }),
      )
      outcomes.push(
        await npm.verify(publicGood, response, {
          package: pkg,
          digest: c.digest,
          keys: npm.RegistryKeys.fromJSON(npmKeysJSON()),
        }),
      )
      let r
      for (const o of outcomes) {
        assert.equal(o.package, pkg)
        assert.ok(o.provenance && o.publish, 'the response has both attestations')
      }
      if (c.meta.predicate_type === NPM_PUBLISH) {
        r = outcomes[0].publish
        assert.equal(r.signerType, 'key')
        assert.equal(r.identity ?? null, null)
        const plain = publicGood.verifySync(fs.readFileSync(c.bundle), {
          digest: c.digest,
          policy: Policy.key(fs.readFileSync(c.key)),
        })
        assert.equal(r.keySha256, plain.keySha256)
        for (const o of outcomes) assert.equal(o.publish.keySha256, r.keySha256)
      } else {
        r = outcomes[0].provenance
        assert.equal(r.identity, c.identity)
        assert.equal(r.issuer, c.issuer)
        for (const o of outcomes) assert.equal(o.provenance.identity, c.identity)
        const pinned = await npm.verify(publicGood, response, {
          package: pkg,
          digest: c.digest,
          repository: repositoryOf(r),
        })
        assert.equal(pinned.provenance.identity, c.identity)
      }
      assert.equal(r.statement.predicateType, c.meta.predicate_type)
      const purl = 'pkg:npm/' + (pkg.startsWith('@') ? '%40' + pkg.slice(1) : pkg)
      assert.equal(r.statement.subjects[0].name, purl)
      assert.equal(r.statement.subjects[0].digest.sha512, c.digest.replace('sha512:', ''))
    })
  }

  for (const c of cases.filter((c) => c.meta.ecosystem === 'github-attestations')) {
    it(c.name, async () => {
      const verifier = githubVerifierFor(c)
      const policy = Policy.identity(c.identity, c.issuer)
      const plain = verifier.verifySync(fs.readFileSync(c.bundle), { digest: c.digest, policy })
      const repository = repositoryOf(plain)
      const owner = repository.split('/')[0]
      const workflow = workflowOf(c.identity)
      const instance = c.meta.root === 'github' ? 'github' : 'public-good'
      const doc = fs.readFileSync(original(c))
      const calls = [
        { repository },
        { repository, signerWorkflow: workflow },
        { repository, signerWorkflow: c.identity.replace('https://github.com/', '') },
        { owner },
        { owner, signerWorkflow: workflow },
        { policy },
        { policy: Policy.github({ repository, signerWorkflow: workflow }) },
        { repository, instance },
        c.meta.root === 'github'
          ? { repository, publicGood, githubInstance: verifier }
          : { repository, publicGood },
      ]
      const results = []
      for (const bundles of [doc, doc.toString('utf8'), fs.readFileSync(c.bundle)]) {
        results.push(await github.verify(bundles, { digest: c.digest, repository }))
      }
      for (const call of calls) {
        results.push(await github.verify(doc, { digest: c.digest, ...call }))
        results.push(github.verifySync(doc, { digest: c.digest, ...call }))
      }
      for (const r of results) {
        assert.equal(r.identity, c.identity)
        assert.equal(r.issuer, c.issuer)
        assert.equal(r.statement.predicateType, c.meta.predicate_type)
        assert.deepEqual(r.verifiedTimes, plain.verifiedTimes)
        assert.deepEqual(r.logEntries, plain.logEntries)
      }
      // The other trust domain is refused when forced.
      const other = instance === 'github' ? 'public-good' : 'github'
      await rejects(
        github.verify(doc, { digest: c.digest, repository, instance: other }),
        VerificationError,
      )
    })
  }
})

// ---------------------------------------------------------------------------------------------

describe('near misses', () => {
  for (const c of cases.filter((c) => c.meta.ecosystem === 'pypi')) {
    it(`pypi: ${c.name}`, async () => {
      const filename = distName(c)
      const ok = { digest: c.digest, filename, publisher: publisher(c) }
      assert.equal((await viaPypi(c, ok)).length > 0, true)
      const refused = (change, Class = VerificationError) =>
        rejects(viaPypi(c, { ...ok, ...change }), Class).then((e) => [e.code, e.check])
      // Another file name: version, type, project.
      const bumped = filename.replace(/(\d)(\.tar\.gz|-py3|\.zip)/, (m, d, rest) => `${(Number(d) + 1) % 10}${rest}`)
      assert.notEqual(bumped, filename)
      assert.deepEqual(await refused({ filename: bumped }), ['artifact-mismatch', 'artifact'])
      assert.deepEqual(await refused({ filename: filename.replace('.tar.gz', '.zip') }), ['artifact-mismatch', 'artifact'])
      assert.deepEqual(await refused({ filename: 'x' + filename }), ['artifact-mismatch', 'artifact'])
      // Another digest, or other bytes.
      assert.deepEqual(await refused({ digest: flip(c.digest) }), ['artifact-mismatch', 'artifact'])
      if (c.artifact) {
        const bytes = Buffer.concat([fs.readFileSync(c.artifact), Buffer.from([0])])
        assert.deepEqual(await refused({ digest: undefined, dist: bytes }), ['artifact-mismatch', 'artifact'])
      }
      // A digest of another algorithm.
      assert.equal((await refused({ digest: 'sha512:' + '00'.repeat(64) }, InvalidInputError))[0], 'invalid-artifact')
      // Another publisher: repository, owner, workflow, provider.
      const [kind, rest] = publisher(c).split(/:(.*)/s)
      const [owner, repo, ...workflow] = rest.split('/')
      for (const other of [
        `${kind}:${owner}/${repo}x/${workflow.join('/')}`,
        `${kind}:${owner}x/${repo}/${workflow.join('/')}`,
        `${kind}:${owner}/${repo}/x${workflow.join('/')}`,
        `${kind === 'github' ? 'gitlab' : 'github'}:${owner}/${repo}/${workflow.at(-1)}`,
        'google:someone@example.com',
      ]) {
        assert.deepEqual(await refused({ publisher: other }), ['policy-mismatch', 'policy'], other)
      }
      assert.equal(
        (await refused({ publisher: undefined, policy: Policy.identity(c.identity + 'x', c.issuer) }))[0],
        'policy-mismatch',
      )
      // A malformed publisher is invalid input.
      for (const bad of ['github:owner/repo', 'bitbucket:o/r/w', 'github']) {
        assert.equal((await refused({ publisher: bad }, InvalidInputError))[0], 'invalid-policy', bad)
      }
    })
  }

  it('pypi: a PEP 740 attestation is not a provenance object, and the other way round', async () => {
    const pep740 = sample('pypi', 'pep740')
    const prov = sample('pypi', 'pypi-provenance')
    const opts = (c) => ({ digest: c.digest, filename: distName(c), publisher: publisher(c) })
    await rejects(pypi.verifyProvenance(publicGood, fs.readFileSync(original(pep740)), opts(pep740)), InvalidInputError, 'invalid-json')
    await rejects(pypi.verifyAttestation(publicGood, fs.readFileSync(original(prov)), opts(prov)), InvalidInputError, 'invalid-json')
    // One attestation of the provenance object is a PEP 740 attestation.
    const doc = JSON.parse(fs.readFileSync(original(prov), 'utf8'))
    const r = await pypi.verifyAttestation(publicGood, doc.attestation_bundles[0].attestations[0], opts(prov))
    assert.equal(r.identity, prov.identity)
    // A provenance object naming another publisher: refused with publisherFromProvenance.
    doc.attestation_bundles[0].publisher.repository += 'x'
    await rejects(
      pypi.verifyProvenance(publicGood, doc, { digest: prov.digest, filename: distName(prov), publisherFromProvenance: true }),
      VerificationError,
      'policy-mismatch',
    )
  })

  it('npm: another package, digest, repository; an unknown registry key id', async () => {
    const c = sample('npm')
    const pkg = npmPackage(c)
    const response = fs.readFileSync(original(c))
    const ok = await npm.verify(publicGood, response, { package: pkg, digest: c.digest })
    const [owner, repo] = repositoryOf(ok.provenance).split('/')
    const refused = (change, Class = VerificationError) =>
      rejects(npm.verify(publicGood, response, { package: pkg, digest: c.digest, ...change }), Class).then((e) => [
        e.code,
        e.check,
      ])
    assert.deepEqual(await refused({ repository: `${owner}/${repo}x` }), ['policy-mismatch', 'policy'])
    assert.deepEqual(await refused({ repository: `${owner}x/${repo}` }), ['policy-mismatch', 'policy'])
    const [name, version] = [pkg.slice(0, pkg.lastIndexOf('@')), pkg.slice(pkg.lastIndexOf('@') + 1)]
    assert.deepEqual(await refused({ package: `${name}@${version}1` }), ['artifact-mismatch', 'artifact'])
    assert.deepEqual(await refused({ package: `${name}x@${version}` }), ['artifact-mismatch', 'artifact'])
    assert.deepEqual(await refused({ package: `@scope/${name}@${version}` }), ['artifact-mismatch', 'artifact'])
    assert.deepEqual(await refused({ digest: flip(c.digest) }), ['artifact-mismatch', 'artifact'])
    assert.deepEqual(await refused({ digest: undefined, integrity: integrity(flip(c.digest)) }), ['artifact-mismatch', 'artifact'])
    assert.deepEqual(await refused({ package: name }, InvalidInputError), ['invalid-artifact', 'artifact'])
    assert.deepEqual(await refused({ digest: undefined, integrity: 'sha256-AAAA' }, InvalidInputError), ['invalid-artifact', 'artifact'])
    assert.deepEqual(await refused({ digest: 'sha256:' + '00'.repeat(32) }, InvalidInputError), ['invalid-artifact', 'artifact'])

    // An unknown key id in the publish attestation.
    const doc = JSON.parse(response.toString('utf8'))
    const publish = doc.attestations.find((a) => a.predicateType === NPM_PUBLISH)
    assert.ok(publish, 'the npm response has a publish attestation')
    publish.bundle.verificationMaterial.publicKey.hint = 'SHA256:unknownunknownunknownunknownunknownunknown00'
    const e = await rejects(npm.verify(publicGood, doc, { package: pkg, digest: c.digest }), VerificationError, 'policy-mismatch')
    assert.match(e.message, /npm registry key id/)
    // The registry's keys, changed: a key of another usage only does not sign attestations.
    const keys = npmKeysJSON()
    for (const k of keys.keys) k.keyUsage = 'npm:signatures'
    await rejects(
      npm.verify(publicGood, response, { package: pkg, digest: c.digest, keys: npm.RegistryKeys.fromJSON(keys) }),
      VerificationError,
      'policy-mismatch',
      'policy',
    )
    // A key whose validity window ends before the entry was logged.
    const expired = npmKeysJSON()
    for (const k of expired.keys) k.publicKey.validFor.end = '2023-01-01T00:00:00.000Z'
    await rejects(
      npm.verify(publicGood, response, { package: pkg, digest: c.digest, keys: npm.RegistryKeys.fromJSON(expired) }),
      VerificationError,
      'time-outside-validity',
    )
    assert.equal(npm.RegistryKeys.embedded().isEmbedded, true)
    assert.equal(npm.RegistryKeys.fromJSON(npmKeysJSON()).isEmbedded, false)
    assert.throws(() => npm.RegistryKeys.fromJSON('{'), InvalidInputError)
  })

  for (const c of cases.filter((c) => c.meta.ecosystem === 'github-attestations')) {
    it(`github: ${c.name}`, async () => {
      const doc = fs.readFileSync(original(c))
      const plain = githubVerifierFor(c).verifySync(fs.readFileSync(c.bundle), {
        digest: c.digest,
        policy: Policy.identity(c.identity, c.issuer),
      })
      const repository = repositoryOf(plain)
      const [owner, repo] = repository.split('/')
      const workflow = workflowOf(c.identity)
      const refused = (change, Class = VerificationError) =>
        rejects(github.verify(doc, { digest: c.digest, repository, ...change }), Class).then((e) => [e.code, e.check])
      assert.deepEqual(await refused({ repository: `${owner}/${repo}x` }), ['policy-mismatch', 'policy'])
      assert.deepEqual(await refused({ repository: `${owner}x/${repo}` }), ['policy-mismatch', 'policy'])
      assert.deepEqual(await refused({ repository: undefined, owner: `${owner}x` }), ['policy-mismatch', 'policy'])
      assert.deepEqual(await refused({ signerWorkflow: workflow.replace(/\.yml$/, 'x.yml') }), ['policy-mismatch', 'policy'])
      assert.deepEqual(await refused({ digest: flip(c.digest) }), ['artifact-mismatch', 'artifact'])
      // Not a Homebrew bottle (built elsewhere than Homebrew/homebrew-core).
      await rejects(
        github.verifyHomebrewBottle(doc, { digest: c.digest, name: 'x-1.0.arm64_sonoma.bottle.tar.gz' }),
        VerificationError,
      )
      assert.throws(
        () => github.verifyHomebrewBottleSync(doc, { digest: c.digest, name: 'x-1.0.arm64_sonoma.bottle.tar.gz' }),
        VerificationError,
      )
    })
  }
})

describe('bad arguments', () => {
  const c = sample('pypi', 'pep740')
  const doc = fs.readFileSync(original(c))
  const ok = { digest: c.digest, filename: distName(c), publisher: publisher(c) }
  const bad = async (p, re) => {
    const e = await rejects(p, InvalidInputError, 'invalid-argument')
    if (re) assert.match(e.message, re)
  }

  it('are InvalidInputError with code invalid-argument, sync and async', async () => {
    await bad(pypi.verifyAttestation({}, doc, ok), /verifier must be a Verifier/)
    await bad(pypi.verifyAttestation(publicGood, doc), /options is required/)
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, filename: undefined }), /filename/)
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, publisher: undefined }), /who must have signed/)
    await bad(
      pypi.verifyAttestation(publicGood, doc, { ...ok, policy: Policy.identity('a', 'b') }),
      /only one of/,
    )
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, publisherFromProvenance: true }), /only for provenance objects/)
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, digest: undefined, dist: 'text' }), /options\.dist/)
    assert.throws(() => pypi.verifyAttestationSync(publicGood, doc, { ...ok, policy: 'x', publisher: undefined }), InvalidInputError)
    // Neither dist nor digest: an argument error in every face (issue 17; invalid-artifact before).
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, digest: undefined }), /dist .* or digest/)
    await bad(pypi.verifyAttestation(publicGood, doc, { ...ok, dist: Buffer.from('x') }), /not both/)
    await bad(npm.verify(publicGood, doc, { package: 'a@1' }), /exactly one of tarball/)
    await bad(npm.verify(publicGood, doc, { package: 'a@1', digest: c.digest, integrity: 'sha512-AAAA' }), /exactly one of tarball/)
    await bad(npm.verify(publicGood, doc, { digest: c.digest }), /package is required/)
    await bad(npm.verify(publicGood, doc, { package: 'a@1', digest: c.digest, keys: {} }), /RegistryKeys/)
    await bad(github.verify(doc, { digest: c.digest }), /repository/)
    await bad(github.verify(doc, { digest: c.digest, repository: 'a/b', instance: 'staging' }), /instance/)
    await bad(github.verify(doc, { digest: c.digest, repository: 'a/b', policy: Policy.identity('a', 'b') }), /not both/)
    await bad(github.verify(doc, { digest: c.digest, repository: 'a/b', publicGood: 1 }), /publicGood/)
    await bad(github.verifyHomebrewBottle(doc, { digest: c.digest }), /name is required/)
    await rejects(github.verify('{', { digest: c.digest, repository: 'a/b' }), InvalidInputError)
  })
})
