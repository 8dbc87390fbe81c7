// bench/compare.sh's harness for sigstore-js (@sigstore/verify, @sigstore/bundle, installed by
// `bench/compare.sh --install` into bench/node_modules).
//
// node js_verify.js once|loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER [ITERATIONS]
//
// once: read the files, prepare the verifier, parse and verify one bundle (a whole process).
// loop: prepare the verifier once, then parse and verify the bundle ITERATIONS times from
// memory and print ns_per_iter=N. Exit 0 when verified. Offline: no TUF, no network.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [mode, bundlePath, artifactPath, rootPath, identity, issuer, iters] = process.argv.slice(2);
if (!issuer) {
  console.error('usage: node js_verify.js once|loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER [N]');
  process.exit(2);
}
const bundleJSON = fs.readFileSync(bundlePath, 'utf8');
const artifact = fs.readFileSync(artifactPath);
const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
const verifier = new Verifier(toTrustMaterial(root));
const policy = { subjectAlternativeName: identity, extensions: { issuer } };

function verifyOne() {
  const bundle = bundleFromJSON(JSON.parse(bundleJSON));
  // For DSSE bundles sigstore-js checks the envelope; the caller matches the subjects.
  const isDsse = bundle.content.$case === 'dsseEnvelope';
  verifier.verify(toSignedEntity(bundle, isDsse ? undefined : artifact), policy);
  if (isDsse) {
    const want = crypto.createHash('sha256').update(artifact).digest('hex');
    const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8'));
    if (!(statement.subject || []).some((s) => s.digest && s.digest.sha256 === want)) {
      throw new Error('the artifact is not a subject of the statement');
    }
  }
}

try {
  verifyOne();
} catch (e) {
  console.error(`verification failed: ${e && e.message ? e.message : e}`);
  process.exit(1);
}
if (mode === 'loop') {
  const n = Number(iters || 50);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) verifyOne();
  console.log(`ns_per_iter=${Number(process.hrtime.bigint() - t) / n}`);
}
