'use strict'
// The table of argument cases (tests/argument-cases.json), run through the Node face: each case
// is one call with one wrong argument, and must throw (or reject with) a SigverifyError whose
// `code` is the case's, the same code C and Python give (issue 17). Calls that have an async
// twin run both ways, and both must agree. A case that Node cannot express names `node` in its
// `not_in` with a reason, and is skipped (and counted as skipped) here only. The table's format
// is described in its `format` field.

const { describe, it, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { TrustedRoot, Verifier, Policy, Tuf, pypi, npm, github, model, conda, bcr, SigverifyError } = require('sigverify')
const { conformanceDir, ecosystemsDir, tufDir } = require('./vectors.js')

const FACE = 'node'
const repo = path.resolve(__dirname, '..', '..')
const table = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'argument-cases.json'), 'utf8'))

const bases = { vectors: conformanceDir, ecosystems: ecosystemsDir, tuf: tufDir, repo: () => repo }

/** The file a "scheme:path" reference names, or null when the string is no reference. */
function filePath(ref) {
  const i = ref.indexOf(':')
  if (i < 0) return null
  const scheme = ref.slice(0, i)
  const rest = ref.slice(i + 1)
  if (!rest || !Object.hasOwn(bases, scheme)) return null
  return path.join(bases[scheme](), rest)
}

function readRef(ref) {
  const p = filePath(ref)
  assert.ok(p !== null, `not a file reference: ${ref}`)
  if (!fs.existsSync(p)) throw new Error(`TEST VECTORS MISSING: ${p} (named by ${ref})`)
  return fs.readFileSync(p)
}

/** A JSON document of exactly limits[kind] + 1 bytes. */
function oversized(kind) {
  const n = table.limits[kind] + 1
  const head = '{"padding":"'
  const tail = '"}'
  return Buffer.from(head + 'a'.repeat(n - head.length - tail.length) + tail)
}

/** A neutral argument value as Node takes it (see the table's `format`); null is undefined. */
function resolve(value) {
  if (value === null) return undefined
  if (typeof value === 'string') {
    if (value.startsWith('$')) return table.values[value.slice(1)]
    if (filePath(value) !== null) return readRef(value)
    return value
  }
  if (Array.isArray(value)) return value.map(resolve)
  if (typeof value === 'object') {
    if ('path' in value) return filePath(value.path)
    if ('oversized' in value) return oversized(value.oversized)
    if ('prefix' in value) return readRef(value.prefix).subarray(0, value.bytes)
    if ('without' in value) {
      const doc = JSON.parse(readRef(value.without).toString('utf8'))
      for (const key of value.keys) delete doc[key]
      return Buffer.from(JSON.stringify(doc))
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]))
  }
  return value
}

function rootArg(value) {
  const embedded = {
    'embedded:public-good': () => TrustedRoot.publicGood(),
    'embedded:staging': () => TrustedRoot.staging(),
    'embedded:github': () => TrustedRoot.github(),
  }
  if (typeof value === 'string' && Object.hasOwn(embedded, value)) return embedded[value]()
  const r = resolve(value)
  return Buffer.isBuffer(r) ? TrustedRoot.fromJSON(r) : r
}

function policyArg(value) {
  if (value !== null && typeof value === 'object' && Object.keys(value).sort().join() === 'identity,issuer') {
    return Policy.identity(resolve(value.identity), resolve(value.issuer))
  }
  return resolve(value)
}

/** Every file under `root`, by its path relative to `root` ('/'-separated). */
function tree(root) {
  const out = {}
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(root, p).split(path.sep).join('/')] = fs.readFileSync(p)
    }
  }
  walk(root)
  return out
}

/** A TUF mirror folder as an object of file name to bytes, with the case's names moved. */
function mirror(value) {
  if (value === null || typeof value !== 'object' || !('mirror' in value)) return resolve(value)
  const out = {}
  for (const [name, bytes] of Object.entries(tree(filePath(value.mirror)))) {
    out[name.startsWith('root_history/') ? name.slice('root_history/'.length) : name] = bytes
  }
  for (const [from, to] of Object.entries(value.move ?? {})) {
    out[to] = out[from]
    delete out[from]
  }
  return out
}

let publicGood = null
const verifier = () => (publicGood ??= new Verifier(TrustedRoot.publicGood()))

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/** The case's arguments as a Node options object (neutral snake_case -> camelCase). */
function options(args, names, special = {}) {
  const unknown = Object.keys(args).filter((k) => !names.includes(k))
  assert.deepEqual(unknown, [], `arguments the node runner does not know: ${unknown}`)
  const out = {}
  for (const [k, v] of Object.entries(args)) {
    const r = (special[k] ?? resolve)(v)
    if (r !== undefined) out[camel(k)] = r
  }
  return out
}

/** Positional arguments, in order; a missing one is undefined. */
const positional = (args, ...names) => {
  options(args, names)
  return names.map((n) => (n in args ? resolve(args[n]) : undefined))
}

/**
 * The call, as [sync, async]: functions that make it (async is null when the call has no async
 * twin).
 */
function calls(call, args) {
  const take = (...names) => {
    const rest = {}
    const picked = {}
    for (const [k, v] of Object.entries(args)) (names.includes(k) ? picked : rest)[k] = v
    return [picked, rest]
  }
  switch (call) {
    case 'trusted_root.from_json':
      return [() => TrustedRoot.fromJSON(...positional(args, 'json')), null]
    case 'policy.identity':
      return [() => Policy.identity(...positional(args, 'identity', 'issuer')), null]
    case 'policy.from_json':
      return [() => Policy.fromJSON(...positional(args, 'json')), null]
    case 'policy.key':
      return [() => Policy.key(...positional(args, 'pem')), null]
    case 'policy.github':
      return [() => Policy.github(options(args, ['repository', 'owner', 'signer_workflow'])), null]
    case 'npm.keys_from_json':
      return [() => npm.RegistryKeys.fromJSON(...positional(args, 'json')), null]
    case 'verifier.new': {
      const [picked, rest] = take('root')
      const names = ['tlog_threshold', 'sct_threshold', 'timestamp_threshold', 'witnesses', 'witness_threshold']
      return [() => new Verifier(rootArg(picked.root ?? null), options(rest, names)), null]
    }
    case 'verify': {
      const [picked, rest] = take('bundle')
      const o = () => options(rest, ['artifact', 'digest', 'policy'], { policy: policyArg })
      const bundle = () => resolve(picked.bundle ?? null)
      return [() => verifier().verifySync(bundle(), o()), () => verifier().verify(bundle(), o())]
    }
    case 'pypi.verify_attestation':
    case 'pypi.verify_provenance': {
      const doc = call === 'pypi.verify_attestation' ? 'attestation' : 'provenance'
      const [picked, rest] = take(doc)
      const names = ['dist', 'digest', 'filename', 'publisher', 'policy']
      const o = () => options(rest, names, { policy: policyArg })
      const d = () => resolve(picked[doc] ?? null)
      const [sync, async] =
        doc === 'attestation'
          ? [pypi.verifyAttestationSync, pypi.verifyAttestation]
          : [pypi.verifyProvenanceSync, pypi.verifyProvenance]
      return [() => sync(verifier(), d(), o()), () => async(verifier(), d(), o())]
    }
    case 'npm.verify': {
      const [picked, rest] = take('attestations')
      const o = () => options(rest, ['package', 'tarball', 'integrity', 'digest', 'repository'])
      const d = () => resolve(picked.attestations ?? null)
      return [() => npm.verifySync(verifier(), d(), o()), () => npm.verify(verifier(), d(), o())]
    }
    case 'github.verify': {
      const [picked, rest] = take('bundles')
      const names = ['artifact', 'digest', 'repository', 'owner', 'signer_workflow', 'policy']
      const o = () => options(rest, names, { policy: policyArg })
      const d = () => resolve(picked.bundles ?? null)
      return [() => github.verifySync(d(), o()), () => github.verify(d(), o())]
    }
    case 'conda.verify': {
      const names = ['package', 'digest', 'filename', 'bundle', 'sigs', 'repository', 'signer_workflow', 'identity', 'issuer', 'channel']
      const o = () => options(args, names)
      return [() => conda.verifySync(verifier(), o()), () => conda.verify(verifier(), o())]
    }
    case 'github.verify_release': {
      const [picked, rest] = take('bundles')
      const o = () => options(rest, ['repository', 'tag', 'digest', 'filename'])
      const d = () => resolve(picked.bundles ?? null)
      return [() => github.verifyReleaseSync(d(), o()), () => github.verifyRelease(d(), o())]
    }
    case 'model.verify': {
      const [picked, rest] = take('model')
      const o = () => options(rest, ['signature', 'identity', 'issuer', 'key'])
      const m = () => resolve(picked.model ?? null)
      return [() => model.verifySync(m(), o()), () => model.verify(m(), o())]
    }
    case 'bcr.verify': {
      const names = ['attestations', 'module_dir', 'file', 'name', 'bundle', 'repository', 'tag']
      const o = () => options(args, names)
      return [() => bcr.verifySync(o()), () => bcr.verify(o())]
    }
    case 'tuf.update': {
      const now = (v) => (typeof v === 'number' ? new Date(v * 1000) : resolve(v))
      const names = ['metadata', 'targets', 'root', 'instance', 'state', 'now']
      const o = () => options(args, names, { metadata: mirror, targets: mirror, now })
      return [() => Tuf.updateSync(o()), () => Tuf.update(o())]
    }
    default:
      throw new Error(`the node runner has no call ${call}`)
  }
}

/** What an error (or its absence) says: the code, or what came instead. */
function found(error) {
  if (error === undefined) return 'no error'
  if (error instanceof SigverifyError) return error.code
  return `${error && error.name} (no code): ${error && error.message}`
}

async function outcomes(call, args) {
  const [sync, async] = calls(call, args)
  const out = {}
  try {
    sync()
    out[FACE] = found(undefined)
  } catch (e) {
    out[FACE] = found(e)
  }
  if (async !== null) {
    try {
      // A call that throws before it returns a promise counts as a rejection too.
      await async()
      out[`${FACE} async`] = found(undefined)
    } catch (e) {
      out[`${FACE} async`] = found(e)
    }
  }
  return out
}

const failedIds = new Set()

describe('argument cases (tests/argument-cases.json)', () => {
  it('the table is well formed', () => {
    const ids = table.cases.map((c) => c.id)
    assert.equal(new Set(ids).size, ids.length, 'case ids must be unique')
    for (const c of table.cases) {
      for (const [face, reason] of Object.entries(c.not_in ?? {})) {
        assert.ok(['c', 'python', 'node'].includes(face), `${c.id}: not_in names an unknown face ${face}`)
        assert.ok(typeof reason === 'string' && reason.trim(), `${c.id}: not_in.${face} needs a reason`)
      }
    }
  })

  for (const c of table.cases) {
    const reason = c.not_in?.[FACE]
    if (reason !== undefined) {
      it(c.id, { skip: `not in ${FACE}: ${reason}` }, () => {})
      continue
    }
    it(c.id, async () => {
      const got = await outcomes(c.call, c.args)
      const wrong = Object.entries(got).filter(([, code]) => code !== c.code)
      for (const [face, code] of wrong) {
        const line = `MISMATCH ${c.id} [${face}]: expected ${c.code}, found ${code}`
        failedIds.add(c.id)
        console.log(line)
      }
      assert.deepEqual(wrong, [], wrong.map(([face, code]) => `[${face}] expected ${c.code}, found ${code}`).join('; '))
    })
  }

  after(() => {
    const skipped = table.cases.filter((c) => c.not_in?.[FACE] !== undefined).length
    const ran = table.cases.length - skipped
    console.log(
      `argument cases (${FACE}): ${ran - failedIds.size} passed, ${failedIds.size} failed, ${skipped} not in ${FACE}`,
    )
  })
})
