// One face of bench/faces.py: N verifications of one conformance bundle through the Node API
// (verifySync: argument conversion and the result object included), from bytes already read,
// with an exact identity policy. Prints "ns_per_iter=X".
//
//   node loop.js BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER ITERATIONS
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { TrustedRoot, Verifier, Policy } = require(path.join(__dirname, '..', '..', 'bindings-node'))

const [bundleP, artifactP, rootP, identity, issuer, n] = process.argv.slice(2)
const bundle = fs.readFileSync(bundleP)
const artifact = fs.readFileSync(artifactP)
const verifier = new Verifier(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootP, 'utf8'))))
const options = { artifact, policy: Policy.identity(identity, issuer) }
for (let i = 0; i < 20; i++) {
  // warm-up, and it must verify
  if (verifier.verifySync(bundle, options).identity !== identity) throw new Error('not verified')
}
const iterations = Number(n)
const start = process.hrtime.bigint()
for (let i = 0; i < iterations; i++) verifier.verifySync(bundle, options)
console.log(`ns_per_iter=${(Number(process.hrtime.bigint() - start) / iterations).toFixed(1)}`)
