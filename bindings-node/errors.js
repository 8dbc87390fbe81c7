'use strict'
// The error classes of sigverify. The addon constructs them (src/errors.rs), so that a rejected
// `verify()` and a throwing `verifySync()` give the same class, code and check.

/** Base class of every error sigverify throws or rejects with; alone only for `internal-error`. */
class SigverifyError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, check?: string | null }} details
   */
  constructor(message, details) {
    super(message)
    /** The stable code of the kind of error (the same in Rust, the CLI, C and Python). */
    this.code = details.code
    /** The verification step that failed, or null when no step is involved. */
    this.check = details.check ?? null
  }
}

/** Well-formed input that did not verify. */
class VerificationError extends SigverifyError {}

/** Input that cannot be used at all (malformed, unsupported, over a limit, a bad argument). */
class InvalidInputError extends SigverifyError {}

for (const C of [SigverifyError, VerificationError, InvalidInputError]) {
  Object.defineProperty(C.prototype, 'name', {
    value: C.name,
    writable: true,
    enumerable: false,
    configurable: true,
  })
}

module.exports = { SigverifyError, VerificationError, InvalidInputError }
