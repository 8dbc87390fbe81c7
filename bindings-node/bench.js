#!/usr/bin/env node
// Per-bundle verification time through the Node API, and, when @sigstore/verify is installed,
// sigstore-js on the same bundles in the same run, with the ratio.
//
//   npm run bench                         (after npm install, which builds the addon)
//   npm install --no-save @sigstore/verify@3 @sigstore/bundle @sigstore/protobuf-specs
//   npm run bench -- --seconds 2 happy-path-v0.3
//
// Both verifiers get the bundle as JSON bytes, the artifact's bytes and an exact identity
// policy; both build their trust material once, outside the timed loop. Times are medians of
// several rounds. The conformance vectors are read from $SIGVERIFY_CONFORMANCE_DIR or
// ../shared/vectors/conformance beside the project.
'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { TrustedRoot, Verifier, Policy } = require('sigverify')
const { conformanceDir, DEFAULT_IDENTITY, DEFAULT_ISSUER } = require('./test/vectors.js')

const DEFAULT_CASES = [
  'happy-path-v0.3',
  'happy-path-v0.1',
  'happy-path-intoto-in-dsse-v3',
  'rekor2-happy-path',
]
const ROUNDS = 5

function parseArgs(argv) {
  const opts = { seconds: 1, cases: [] }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[++i])
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: node bench.js [--seconds S] [CASE...]')
      process.exit(0)
    } else opts.cases.push(argv[i])
  }
  if (!(opts.seconds > 0)) throw new Error('--seconds must be a positive number')
  if (opts.cases.length === 0) opts.cases = DEFAULT_CASES
  return opts
}

/** The median per-call time of `f` in microseconds, over ROUNDS rounds of about `budget` s. */
function timeSync(f, budget) {
  const start = process.hrtime.bigint()
  let n = 0
  while (Number(process.hrtime.bigint() - start) < 0.05e9 || n < 3) {
    f()
    n++
  }
  const perCall = Number(process.hrtime.bigint() - start) / n
  const iterations = Math.max(3, Math.round((budget * 1e9) / ROUNDS / perCall))
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) f()
    rounds.push(Number(process.hrtime.bigint() - t) / iterations / 1e3)
  }
  return median(rounds)
}

/** The same for an async `f`, awaited one call at a time, or `batch` calls at once. */
async function timeAsync(f, budget, batch = 1) {
  const once = () => (batch === 1 ? f() : Promise.all(Array.from({ length: batch }, f)))
  const start = process.hrtime.bigint()
  let n = 0
  while (Number(process.hrtime.bigint() - start) < 0.05e9 || n < 3) {
    await once()
    n++
  }
  const perCall = Number(process.hrtime.bigint() - start) / n
  const iterations = Math.max(3, Math.round((budget * 1e9) / ROUNDS / perCall))
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) await once()
    rounds.push(Number(process.hrtime.bigint() - t) / iterations / batch / 1e3)
  }
  return median(rounds)
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** sigstore-js (@sigstore/verify), when installed; null otherwise. */
function loadSigstoreJs() {
  try {
    const verify = require('@sigstore/verify')
    const { bundleFromJSON } = require('@sigstore/bundle')
    const { TrustedRoot: ProtoRoot } = require('@sigstore/protobuf-specs')
    const version = require('@sigstore/verify/package.json').version
    return {
      version,
      verifierFor(rootJSON) {
        return new verify.Verifier(verify.toTrustMaterial(ProtoRoot.fromJSON(rootJSON)))
      },
      verify(verifier, bundleBytes, artifact, identity, issuer) {
        const bundle = bundleFromJSON(JSON.parse(bundleBytes.toString('utf8')))
        return verifier.verify(verify.toSignedEntity(bundle, artifact), {
          subjectAlternativeName: identity,
          extensions: { issuer },
        })
      },
    }
  } catch {
    return null
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const dir = conformanceDir()
  const publicGoodJSON = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'core', 'roots', 'public-good.trusted_root.json'), 'utf8'),
  )
  const sjs = loadSigstoreJs()
  const cpus = os.availableParallelism ? os.availableParallelism() : os.cpus().length

  console.log(`sigverify (Node ${process.version}, ${os.cpus()[0].model}, ${cpus} CPUs)`)
  console.log(
    sjs
      ? `@sigstore/verify ${sjs.version}: measured on the same bundles`
      : '@sigstore/verify: not installed (npm install --no-save @sigstore/verify@3 @sigstore/bundle @sigstore/protobuf-specs)',
  )
  console.log('')
  const header = ['case', 'verifySync', 'verify', `verify x${cpus * 4}`, 'verifyMany', 'sigstore-js', 'ratio']
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(30) : h.padStart(12))).join(''))

  const ratios = []
  for (const name of opts.cases) {
    const caseDir = path.join(dir, name)
    const bundle = fs.readFileSync(path.join(caseDir, 'bundle.sigstore.json'))
    const artifactPath = fs.existsSync(path.join(caseDir, 'artifact'))
      ? path.join(caseDir, 'artifact')
      : path.join(dir, 'a.txt')
    const artifact = fs.readFileSync(artifactPath)
    const rootPath = path.join(caseDir, 'trusted_root.json')
    const rootJSON = fs.existsSync(rootPath) ? JSON.parse(fs.readFileSync(rootPath, 'utf8')) : publicGoodJSON
    const identity = DEFAULT_IDENTITY
    const issuer = DEFAULT_ISSUER

    const verifier = new Verifier(TrustedRoot.fromJSON(rootJSON))
    const policy = Policy.identity(identity, issuer)
    const options = { artifact, policy }
    verifier.verifySync(bundle, options) // must verify before it is timed

    const sync = timeSync(() => verifier.verifySync(bundle, options), opts.seconds)
    const async1 = await timeAsync(() => verifier.verify(bundle, options), opts.seconds)
    const asyncN = await timeAsync(() => verifier.verify(bundle, options), opts.seconds, cpus * 4)
    const items = Array.from({ length: 64 }, () => ({ bundle, artifact, policy }))
    const many =
      (await timeAsync(() => verifier.verifyMany(items, { jobs: cpus }), opts.seconds)) / items.length

    let peer = 'n/a'
    let ratio = ''
    if (sjs) {
      try {
        const v = sjs.verifierFor(rootJSON)
        sjs.verify(v, bundle, artifact, identity, issuer)
        const t = timeSync(() => sjs.verify(v, bundle, artifact, identity, issuer), opts.seconds)
        peer = us(t)
        ratio = `${(t / sync).toFixed(1)}x`
        ratios.push(t / sync)
      } catch (e) {
        peer = 'fails'
        ratio = String(e && e.message).slice(0, 40)
      }
    }
    console.log(
      [name.padEnd(30), us(sync), us(async1), us(asyncN), us(many), peer, ratio]
        .map((c, i) => (i === 0 ? c : String(c).padStart(12)))
        .join(''),
    )
  }
  console.log('')
  console.log('Times are per bundle (µs, medians). verify xN: N calls in flight at once (throughput);')
  console.log(`verifyMany: 64 items, jobs ${cpus}. ratio: sigstore-js time / verifySync time.`)
  if (ratios.length) {
    const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length)
    console.log(`geometric mean ratio: ${geo.toFixed(1)}x (goal: at least 20x)`)
  }
}

function us(t) {
  return t >= 1000 ? `${(t / 1000).toFixed(2)} ms` : `${t.toFixed(0)} µs`
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
