//! Windows code page 1252: Latin-1 with printable characters in place of most of the C1
//! controls `0x80..0x9f` (five of which it leaves undefined).

/// The characters of bytes `0x80..0xa0`; 0 where the code page defines none.
const HIGH: [u16; 32] = [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
    0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

pub(super) fn cp1252_decode(b: u8) -> Option<char> {
    match b {
        0x80..=0x9f => match HIGH[(b - 0x80) as usize] {
            0 => None,
            c => char::from_u32(c as u32),
        },
        _ => Some(b as char),
    }
}

pub(super) fn cp1252_encode(c: char) -> Option<u8> {
    let n = c as u32;
    if n < 0x80 || (0xa0..=0xff).contains(&n) {
        return Some(n as u8);
    }
    HIGH.iter().position(|&h| h != 0 && h as u32 == n).map(|i| 0x80 + i as u8)
}
