'use strict'
// The `sigverify` package: the native addon (loaded by binding.js, which `napi build` generates)
// and the error classes that it throws (errors.js). Typings: index.d.ts, generated.

let native
try {
  native = require('./binding.js')
} catch (e) {
  // Installed from the registry, the addon is the optional dependency sigverify-<platform>.
  const err = new Error(
    `sigverify: no native addon loads on ${process.platform}-${process.arch}. Prebuilt packages ` +
      'exist for linux-x64-gnu, linux-arm64-gnu, darwin-arm64 and win32-x64-msvc; npm installs ' +
      'the matching one as an optional dependency (not with --omit=optional). Elsewhere, build ' +
      'from a checkout of the repository: `npm install ./bindings-node` (needs Rust 1.88 or ' +
      'later and a C compiler).',
  )
  err.cause = e
  throw err
}
const { SigverifyError, VerificationError, InvalidInputError } = require('./errors.js')

native.__registerErrorClasses(SigverifyError, VerificationError, InvalidInputError)

// A result's properties are getters on its class (built when read), so console.log and
// util.inspect show what toJSON() gives rather than an empty object.
native.VerificationResult.prototype[Symbol.for('nodejs.util.inspect.custom')] = function (depth, options, inspect) {
  return `VerificationResult ${inspect(this.toJSON(), options)}`
}

module.exports.TrustedRoot = native.TrustedRoot
module.exports.Verifier = native.Verifier
module.exports.VerificationResult = native.VerificationResult
module.exports.Policy = native.Policy
module.exports.Tuf = native.Tuf
module.exports.pypi = native.pypi
module.exports.npm = native.npm
module.exports.github = native.github
module.exports.model = native.model
module.exports.conda = native.conda
module.exports.bcr = native.bcr
module.exports.pylock = native.pylock
module.exports.SigverifyError = SigverifyError
module.exports.VerificationError = VerificationError
module.exports.InvalidInputError = InvalidInputError
module.exports.__napiBindingTarget = native.__napiBindingTarget
