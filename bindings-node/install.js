#!/usr/bin/env node
// Builds the native addon from source in a checkout of the repository: `napi build --platform
// --release` (npm runs this as the `install` script of bindings-node/, and `npm run build` runs it
// again). The published package has no install script: its addon is prebuilt, in the
// per-platform optional dependency (scripts/dist.sh packs both). Output, next to this file:
//   sigverify.<platform>.node   the addon (not committed)
//   binding.js                  the loader napi generates (committed)
//   index.d.ts                  the typings, generated from the Rust `///` comments (committed)
//
// @napi-rs/cli is a devDependency. `npm install` inside this folder installs it; `npm install
// /path/to/bindings-node` from another project does not (npm installs no devDependencies of a
// dependency), so then the same pinned version is run through `npm exec`, from the npm registry.
//
//   node install.js [--debug]     (--debug: a debug build, faster to compile)
'use strict'

const { spawnSync } = require('node:child_process')
const path = require('node:path')

const here = __dirname
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
