// A TypeScript usage example, type-checked by the tests (`tsc -p test/tsconfig.json`, no
// output): it must compile against the generated index.d.ts, and the misuses marked
// `@ts-expect-error` must not.
import { readFileSync } from 'node:fs'
import {
  InvalidInputError,
  Policy,
  SigverifyError,
  TrustedRoot,
  Tuf,
  npm,
  pypi,
  pylock,
  VerificationError,
  Verifier,
  VerificationResult,
  type VerifiedTime,
  type VerifyOutcome,
  type NpmVerification,
  type TufUpdate,
  type PylockReport,
} from 'sigverify'
import sigverify from 'sigverify'

async function main(): Promise<void> {
  const root: TrustedRoot = TrustedRoot.publicGood()
  const verifier = new Verifier(root)
  const github = new Verifier(TrustedRoot.github(), {
    tlogThreshold: 0,
    timestampThreshold: 1,
    sctThreshold: 0,
  })
  const custom = new Verifier(TrustedRoot.fromJSON(readFileSync('trusted_root.json')), {
    tlogThreshold: 1,
  })
  const policy = Policy.identity(
    'https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main',
    'https://token.actions.githubusercontent.com',
  )
  const keyPolicy: Policy = Policy.key(readFileSync('cosign.pub', 'utf8'))
  const docPolicy: Policy = Policy.fromJSON({ version: 1, identity: 'a', issuer: 'b' })
  const githubPolicy: Policy = Policy.github({
    repository: 'OWNER/REPO',
    signerWorkflow: 'OWNER/REPO/.github/workflows/release.yml',
    denySelfHostedRunners: true,
  })
  const gitlabPolicy: Policy = Policy.gitlab({ project: 'GROUP/PROJECT', sourceRef: 'refs/heads/main' })
  // @ts-expect-error: denySelfHostedRunners is a boolean
  Policy.github({ owner: 'OWNER', denySelfHostedRunners: 'yes' })

  const bundle = readFileSync('artifact.sigstore.json')
  const result: VerificationResult = await verifier.verify(bundle, {
    artifact: readFileSync('artifact.tar.gz'),
    policy,
  })
  const same = verifier.verifySync(bundle.toString('utf8'), { digest: 'sha256:00', policy })
  const fromObject = verifier.verifySync(JSON.parse('{}') as object, { digest: 'sha256:00', policy: docPolicy })

  const who: string | undefined = result.identity
  const issuer: string | undefined = same.issuer
  const repo: string | undefined = result.claims['sourceRepositoryURI']
  const when: Date | undefined = result.earliestTime
  const times: VerifiedTime[] = fromObject.verifiedTimes
  for (const t of times) {
    const source: 'transparency-log' | 'rfc3161-timestamp' = t.source
    console.log(t.time.toISOString(), source, t.logUrl ?? t.authority)
  }
  for (const e of result.logEntries) console.log(e.logUrl, e.logIndex, e.kind, e.integratedTime?.getTime())
  for (const c of result.policyChecks) console.log(c.claim, c.expected, c.found ?? '(absent)')
  const rootName: string | null = root.name
  const witnesses: number | null = github.witnessThreshold
  const predicateType: string | undefined = result.statement?.predicateType
  const signer: 'certificate' | 'key' = result.signerType
  // A class: instanceof works, its properties are read-only getters, toJSON is the core's JSON.
  if (!(same instanceof VerificationResult)) throw new Error('not a VerificationResult')
  const json: Record<string, unknown> = result.toJSON()
  console.log(JSON.stringify(result) === JSON.stringify(json))
  // @ts-expect-error a result's properties cannot be assigned
  result.identity = 'someone else'
  console.log(who, issuer, repo, when, predicateType, signer, github.tlogThreshold, custom.backend, rootName, witnesses)

  const outcomes: VerifyOutcome[] = await verifier.verifyMany(
    [
      { bundle, digest: 'sha256:00', policy: keyPolicy },
      { bundle, digest: 'sha256:00', policy: githubPolicy },
      { bundle, digest: 'sha256:00', policy: gitlabPolicy },
      { bundle: new Uint8Array(bundle), artifact: new Uint8Array(3) },
    ],
    { jobs: 2, policy },
  )
  for (const o of outcomes) {
    if (o.ok) console.log(o.result?.identity)
    else console.log(o.error?.code, o.error?.check)
  }

  try {
    verifier.verifySync(bundle, { digest: 'sha256:00', policy })
  } catch (e) {
    if (e instanceof VerificationError || e instanceof InvalidInputError) {
      const code: string = e.code
      const check: string | null = e.check
      console.log(code, check, e.message)
    }
    const base: boolean = e instanceof SigverifyError
    console.log(base)
  }
  console.log(sigverify.Verifier === Verifier)

  // Ecosystem adapters and TUF.
  const [att]: VerificationResult[] = await pypi.verifyProvenance(verifier, readFileSync('x.provenance'), {
    dist: readFileSync('x-1.0.tar.gz'),
    filename: 'x-1.0.tar.gz',
    publisher: 'github:OWNER/REPO/release.yml',
  })
  const pep740: VerificationResult = pypi.verifyAttestationSync(verifier, '{}', { digest: 'sha256:00', filename: 'x-1.0.tar.gz', policy })
  const npmResult: NpmVerification = await npm.verify(verifier, readFileSync('attestations.json'), {
    package: 'sigstore@1.0.0',
    integrity: 'sha512-AAAA',
    repository: 'sigstore/sigstore-js',
    keys: npm.RegistryKeys.embedded(),
  })
  const gh: VerificationResult = await sigverify.github.verify(readFileSync('a.jsonl'), {
    digest: 'sha256:00',
    repository: 'OWNER/REPO',
    instance: 'github',
    githubInstance: github,
  })
  const bottle = sigverify.github.verifyHomebrewBottleSync('{}', { digest: 'sha256:00', name: 'x.bottle.tar.gz' })
  const update: TufUpdate = await Tuf.update({
    metadata: { 'timestamp.json': readFileSync('timestamp.json') },
    targets: { 'trusted_root.json': readFileSync('trusted_root.json') },
    now: new Date(),
  })
  const fresh = new Verifier(update.trustedRoot)
  const npmKeys = update.npmKeysJSON ? npm.RegistryKeys.fromJSON(update.npmKeysJSON) : null
  console.log(att?.identity, pep740.issuer, npmResult.provenance?.identity, npmResult.publish?.keySha256, gh, bottle, fresh, npmKeys)
  console.log(update.rootJSON.length, update.state.toString(), update.expired.map((e) => e.expires.getTime()))
  const lockReport: PylockReport = await pylock.verify({ lock: 'pylock.toml', distDir: 'dist' })
  const recorded = pylock.recordSync({ lock: readFileSync('pylock.toml'), distDir: 'dist', provenanceDir: 'prov', verifier })
  for (const p of lockReport.packages) {
    const fields: string[] | undefined = p.changedFields
    const kinds = p.files.map((f) => f.publishers?.map((id) => id.kind) ?? f.errorCode)
    console.log(p.name, p.version, p.verdict, p.failure, p.detail, fields, kinds)
  }
  console.log(lockReport.ok, lockReport.unknownKeys, recorded.text?.length)
  // @ts-expect-error: the distribution folder is required
  pylock.verifySync({ lock: 'pylock.toml' })
  // @ts-expect-error: the lock is required
  pylock.verifySync({ distDir: 'dist' })
  // @ts-expect-error: the package is required
  await npm.verify(verifier, '{}', { digest: 'sha512:00' })
  // @ts-expect-error: the metadata is a map of file names to bytes
  Tuf.updateSync({ metadata: 'dir', targets: {} })

  // @ts-expect-error: the policy is required
  await verifier.verify(bundle, { digest: 'sha256:00' })
  // @ts-expect-error: a number is no bundle
  verifier.verifySync(42, { digest: 'sha256:00', policy })
  // @ts-expect-error: thresholds are numbers
  new Verifier(root, { tlogThreshold: '1' })
  // @ts-expect-error: a Verifier needs a TrustedRoot
  new Verifier(policy)
  // @ts-expect-error: results are read-only data, not promises
  result.then
}

void main
