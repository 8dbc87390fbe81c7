#!/usr/bin/env node
// The package's `install` script. Two cases:
//
// 1. Installed from the registry or from `npm pack` tarballs: the addon is prebuilt, in the
//    per-platform optional dependency (`sigverify-linux-x64-gnu`, `sigverify-darwin-arm64`, ...,
//    the napi-rs layout; npm installs only the one whose os/cpu/libc match). Nothing is built:
//    this script only checks that binding.js loads it, and otherwise fails with what to do (a
//    platform without a prebuilt package builds from a checkout, case 2).
// 2. In a checkout of the repository (`npm install ./bindings-node`, `npm ci` in this folder),
//    recognised by Cargo.toml beside this file (the published package ships no Rust sources):
//    the addon is built from source, `napi build --platform --release`. Output, next to this file:
//      sigverify.<platform>.node   the addon (not committed)
//      binding.js                  the loader napi generates (committed)
//      index.d.ts                  the typings, generated from the Rust `///` comments (committed)
//
// @napi-rs/cli is a devDependency. `npm install` inside this folder installs it; `npm install
// /path/to/bindings-node` from another project does not (npm installs no devDependencies of a
// dependency), so then the same pinned version is run through `npm exec`, from the npm registry.
//
//   node install.js [--debug]     (--debug: a debug build, faster to compile; checkouts only)
'use strict'

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const here = __dirname

if (!fs.existsSync(path.join(here, 'Cargo.toml'))) {
  try {
    require('./binding.js')
  } catch (e) {
    const platform = `${process.platform}-${process.arch}`
    console.error(
      `sigverify: no prebuilt native addon loads on this platform (${platform}): ${e.message}\n` +
        'Prebuilt packages exist for linux-x64-gnu, linux-arm64-gnu, darwin-arm64 and ' +
        'win32-x64-msvc; npm installs the matching one as an optional dependency (it is skipped ' +
        'with --omit=optional or --no-optional). Elsewhere, build from a checkout of the ' +
        'repository: `npm install ./bindings-node` (needs a Rust toolchain, 1.88 or later, and a C ' +
        'compiler).',
    )
    process.exit(1)
  }
  process.exit(0)
}

const debug = process.argv.includes('--debug')
const args = [
  'build',
  '--platform',
  '--js',
  'binding.js',
  '--dts',
  'index.d.ts',
  ...(debug ? [] : ['--release', '--strip']),
]

function localCli() {
  try {
    const pkg = require.resolve('@napi-rs/cli/package.json', { paths: [here] })
    return path.join(path.dirname(pkg), 'dist', 'cli.js')
  } catch {
    return null
  }
}

function run(command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: here, stdio: 'inherit' })
  if (r.error) {
    console.error(`sigverify: cannot run ${command}: ${r.error.message}`)
    return 1
  }
  return r.status === null ? 1 : r.status
}

let status
const cli = localCli()
if (cli) {
  status = run(process.execPath, [cli, ...args])
} else {
  const spec = require('./package.json').devDependencies['@napi-rs/cli']
  const npmArgs = ['exec', '--yes', `--package=@napi-rs/cli@${spec}`, '--', 'napi', ...args]
  // Inside an npm lifecycle script, npm_execpath is the running npm's own CLI script.
  const npmCli = process.env.npm_execpath
  status =
    npmCli && npmCli.endsWith('.js')
      ? run(process.execPath, [npmCli, ...npmArgs])
      : run(process.platform === 'win32' ? 'npm.cmd' : 'npm', npmArgs)
}
if (status !== 0) {
  console.error(
    'sigverify: building the native addon failed. It needs a Rust toolchain (1.88 or later, ' +
      'https://rustup.rs) and a C compiler (for aws-lc-rs).',
  )
}
process.exit(status)
