'use strict'
// The generated typings: a TypeScript usage example (usage.ts) type-checks against index.d.ts,
// and the typings document what the package exports at run time.

const { it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const pkg = path.resolve(__dirname, '..')

it('usage.ts type-checks (tsc --noEmit)', () => {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [pkg] })
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, 'tsconfig.json')], {
    cwd: pkg,
    encoding: 'utf8',
  })
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`)
})

it('index.d.ts declares every export, with documentation from the Rust comments', () => {
  const dts = fs.readFileSync(path.join(pkg, 'index.d.ts'), 'utf8')
  const exported = Object.keys(require('sigverify')).filter((k) => !k.startsWith('__'))
  for (const name of exported) {
    assert.match(dts, new RegExp(`export declare (class|namespace) ${name}\\b`), name)
  }
  for (const name of ['VerifiedTime', 'LogEntry', 'Statement', 'VerifyOptions', 'VerifierOptions', 'VerifyOutcome', 'PypiOptions', 'NpmOptions', 'NpmVerification', 'GithubOptions', 'HomebrewOptions', 'TufUpdateOptions', 'TufUpdate']) {
    assert.match(dts, new RegExp(`export interface ${name}\\b`), name)
  }
  assert.match(dts, /verify\(bundle: Uint8Array \| string \| object, options: VerifyOptions\): Promise<VerificationResult>/)
  assert.match(dts, /Verifies Sigstore bundles against one trusted root/)
})
