//! `sigverify conda verify`. Issue 19.

use crate::{usage, Fail};

pub(crate) fn cmd(_args: &[String]) -> Result<(), Fail> {
    Err(usage("not implemented yet (issue 19)"))
}
