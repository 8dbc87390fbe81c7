//! DER (X.690 §8, §10): the one reader of tag-length-value encodings for what sigverify walks by
//! hand, where the exact bytes matter: the CMS structure of RFC 3161 timestamps (signed
//! attributes are verified over the bytes the TSA signed) and the TBSCertificate fields of RFC
//! 5280 §4.1 (names compared as encoded, the RFC 6962 §3.2 precertificate spliced out of the
//! certificate). Everything a decision is then made on is also decoded by `der`/x509-cert or
//! checked by webpki; this reader only finds the pieces.
//!
//! Only what DER allows is read: a low tag number (X.690 §8.1.2.2), a definite length in the
//! shortest form (§10.1; the long form at most 4 bytes, which is more than any input we accept).
//! Anything else is `None`, never a guess.

/// The tags sigverify reads (X.690 §8.1.2; RFC 5280 and RFC 5652 name the context-specific
/// ones `[n]`).
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[0]` primitive: IMPLICIT over a primitive type.
    pub(crate) const CONTEXT_0: u8 = 0x80;
    /// `[1]` primitive.
    pub(crate) const CONTEXT_1: u8 = 0x81;
    /// `[2]` primitive.
    pub(crate) const CONTEXT_2: u8 = 0x82;
    /// `[0]` constructed: EXPLICIT, or IMPLICIT over a constructed type.
    pub(crate) const CONSTRUCTED_0: u8 = 0xa0;
    /// `[1]` constructed.
    pub(crate) const CONSTRUCTED_1: u8 = 0xa1;
    /// `[3]` constructed.
    pub(crate) const CONSTRUCTED_3: u8 = 0xa3;
}

/// At most this many elements are read out of one constructed value into a list: nothing we
/// walk has more than a few dozen, and a hostile input must not make us build a long one.
const MAX_CHILDREN: usize = 256;

/// One DER TLV, borrowed from the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    /// The content octets.
    pub(crate) content: &'a [u8],
    /// The whole TLV (tag, length and content), as encoded.
    pub(crate) raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The TLV at the start of `input`, and what follows it.
    pub(crate) fn read(input: &'a [u8]) -> Option<(Tlv<'a>, &'a [u8])> {
        let (&tag, after_tag) = input.split_first()?;
        // X.690 §8.1.2.4: tag numbers of 31 and up take more identifier octets; nothing we
        // read uses them.
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, rest) = after_tag.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            // 0x80 alone is the indefinite form, which DER forbids (§10.1).
            let n = usize::from(first & 0x7f);
            if !(1..=4).contains(&n) {
                return None;
            }
            let (bytes, rest) = rest.split_at_checked(n)?;
            // §10.1: the fewest octets: no leading zero, and the short form when it fits.
            if bytes.first() == Some(&0) {
                return None;
            }
            let len = bytes.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b));
            if len < 0x80 {
                return None;
            }
            (len, rest)
        };
        let (content, after) = rest.split_at_checked(len)?;
        let raw = input.get(..input.len() - after.len())?;
        Some((Tlv { tag, content, raw }, after))
    }

    /// The TLV that is the whole of `input`: trailing bytes are refused.
    pub(crate) fn read_all(input: &'a [u8]) -> Option<Tlv<'a>> {
        match Tlv::read(input)? {
            (t, []) => Some(t),
            _ => None,
        }
    }

    /// The next TLV of `rest` if it is one with tag `tag` (an OPTIONAL field, or one that must
    /// be there); `rest` moves past it only then.
    pub(crate) fn read_if(rest: &mut &'a [u8], tag: u8) -> Option<Tlv<'a>> {
        let (t, after) = Tlv::read(rest)?;
        (t.tag == tag).then(|| {
            *rest = after;
            t
        })
    }

    /// The elements of a constructed TLV's content, all of it, at most [`MAX_CHILDREN`].
    pub(crate) fn children(&self) -> Option<Vec<Tlv<'a>>> {
        let mut out = Vec::new();
        let mut rest = self.content;
        while !rest.is_empty() {
            let (t, r) = Tlv::read(rest)?;
            out.push(t);
            rest = r;
            if out.len() > MAX_CHILDREN {
                return None;
            }
        }
        Some(out)
    }
}

/// Appends a DER header: `tag` and `len` as a definite length in the shortest form (X.690
/// §10.1).
pub(crate) fn write_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        for len in [0usize, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000] {
            let mut v = Vec::new();
            write_header(&mut v, 0x30, len);
            let hdr = v.len();
            v.resize(hdr + len, 7);
            v.push(0x05);
            let (t, rest) = Tlv::read(&v).unwrap();
            assert_eq!(
                (t.tag, t.content.len(), t.raw.len(), rest),
                (0x30, len, hdr + len, &[5u8][..])
            );
            assert!(Tlv::read_all(&v).is_none(), "trailing byte");
            assert!(Tlv::read_all(v.get(..hdr + len).unwrap()).is_some());
        }
    }

    #[test]
    fn refuses_what_der_does_not_allow() {
        // non-minimal long form, a leading zero length byte, truncation, indefinite length,
        // high tag numbers, nothing: refused
        for bad in [
            &[0x30, 0x81, 0x05, 1, 2, 3, 4, 5][..],
            &[0x30, 0x82, 0x00, 0x90],
            &[0x30, 0x03, 1, 2],
            &[0x30, 0x80, 0, 0],
            &[0x1f, 0x01, 0],
            &[0x30],
            &[],
        ] {
            assert!(Tlv::read(bad).is_none(), "{bad:?}");
        }
        assert!(Tlv::read(&[0x04, 0x81, 0x01, 0x00]).is_none());
        assert!(Tlv::read(&[0x04, 0x01, 0x00]).is_some());
        assert!(Tlv::read(&[0x04, 0x02, 0x00]).is_none());
        assert!(Tlv::read(&[0x1f, 0x01, 0x00]).is_none());
    }

    #[test]
    fn optional_fields_and_children() {
        let input = [0x02, 0x01, 0x05, 0x30, 0x03, 0x04, 0x01, 0x07];
        let mut rest = &input[..];
        assert!(Tlv::read_if(&mut rest, tag::SEQUENCE).is_none());
        assert_eq!(
            rest.len(),
            input.len(),
            "not moved past a field of another tag"
        );
        assert_eq!(Tlv::read_if(&mut rest, tag::INTEGER).unwrap().content, [5]);
        let seq = Tlv::read_if(&mut rest, tag::SEQUENCE).unwrap();
        assert!(rest.is_empty());
        let kids = seq.children().unwrap();
        assert_eq!(
            (kids.len(), kids[0].tag, kids[0].content),
            (1, 0x04, &[7u8][..])
        );

        // a bad element anywhere, and more than MAX_CHILDREN elements, are refused
        let bad = Tlv::read(&[0x30, 0x03, 0x04, 0x02, 0x00]).unwrap().0;
        assert!(bad.children().is_none());
        let mut many = Vec::new();
        for n in [MAX_CHILDREN, MAX_CHILDREN + 1] {
            let content = [0x05, 0x00].repeat(n);
            many.clear();
            write_header(&mut many, tag::SEQUENCE, content.len());
            many.extend_from_slice(&content);
            let t = Tlv::read_all(&many).unwrap();
            assert_eq!(
                t.children().map(|c| c.len()),
                (n == MAX_CHILDREN).then_some(n)
            );
        }
    }
}
