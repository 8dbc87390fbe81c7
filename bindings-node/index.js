'use strict'
// The `sigverify` package: the native addon (loaded by binding.js, which `napi build` generates)
// and the error classes that it throws (errors.js). Typings: index.d.ts, generated.

const native = require('./binding.js')
const { SigverifyError, VerificationError, InvalidInputError } = require('./errors.js')

native.__registerErrorClasses(SigverifyError, VerificationError, InvalidInputError)

module.exports.TrustedRoot = native.TrustedRoot
module.exports.Verifier = native.Verifier
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
