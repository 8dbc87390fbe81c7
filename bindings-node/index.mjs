// ES module entry point: the same objects as the CommonJS one (index.js).
import sigverify from './index.js'

export const {
  TrustedRoot,
  Verifier,
  VerificationResult,
  Policy,
  Tuf,
  pypi,
  npm,
  github,
  model,
  conda,
  bcr,
  pylock,
  SigverifyError,
  VerificationError,
  InvalidInputError,
} = sigverify
export default sigverify
