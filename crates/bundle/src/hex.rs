//! Lowercase hexadecimal, the one spelling of digests in bundle texts.
//!
//! Owns encoding and strict decoding (lowercase only, exact length); the
//! grammars that use hex (MANIFEST, the statement) report their own errors.

/// Writes `bytes` as lowercase hex.
pub(crate) fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Why a hex field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HexError {
    /// Not exactly the expected number of characters.
    Length,
    /// An uppercase digit `A`–`F`, at this 0-based character index.
    Uppercase(usize),
    /// A character that is no hex digit, at this 0-based character index.
    NotHex(usize),
}

/// Reads exactly `N` bytes written as `2N` lowercase hex digits.
pub(crate) fn decode<const N: usize>(text: &[u8]) -> Result<[u8; N], HexError> {
    let mut out = [0u8; N];
    // Character errors first, so that a short field with a bad digit names the digit.
    for (i, &c) in text.iter().enumerate() {
        match c {
            b'0'..=b'9' | b'a'..=b'f' => {}
            b'A'..=b'F' => return Err(HexError::Uppercase(i)),
            _ => return Err(HexError::NotHex(i)),
        }
    }
    if text.len() != 2 * N {
        return Err(HexError::Length);
    }
    for (i, pair) in text.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
    Ok(out)
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        assert_eq!(encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(decode::<3>(b"00abff"), Ok([0x00, 0xab, 0xff]));
        assert_eq!(decode::<3>(b"00aBff"), Err(HexError::Uppercase(3)));
        assert_eq!(decode::<3>(b"00agff"), Err(HexError::NotHex(3)));
        assert_eq!(decode::<3>(b"00abf"), Err(HexError::Length));
        assert_eq!(decode::<3>(b"00abff00"), Err(HexError::Length));
    }
}
