//! Struct format strings: the byte order and alignment prefix, then repeat counts and
//! format characters, laid out with their sizes and (for native `@`) alignment.

/// How a format lays out its items.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `@`: native byte order, sizes and alignment.
    Native,
    /// `=`, `<`, `>`, `!`: standard sizes, no alignment.
    Standard { little: bool },
}

impl Mode {
    pub fn little(self) -> bool {
        match self {
            Mode::Native => cfg!(target_endian = "little"),
            Mode::Standard { little } => little,
        }
    }
}

/// One conversion: `count` items of `code` (for `s` and `p`, one item of `count` bytes).
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub code: u8,
    pub count: usize,
    pub offset: usize,
    pub size: usize,
}

impl Item {
    /// How many values the item packs or unpacks.
    pub fn values(&self) -> usize {
        match self.code {
            b's' | b'p' => 1,
            b'x' => 0,
            _ => self.count,
        }
    }
}

pub struct Layout {
    pub mode: Mode,
    pub items: Vec<Item>,
    pub size: usize,
    /// Values packed or unpacked.
    pub len: usize,
}

/// The size of one `code` item in `mode`, or `None` for a character the mode lacks.
fn item_size(code: u8, mode: Mode) -> Option<usize> {
    let native = mode == Mode::Native;
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' => {
            if native {
                std::mem::size_of::<std::ffi::c_long>()
            } else {
                4
            }
        }
        b'q' | b'Q' | b'd' => 8,
        b'n' | b'N' | b'P' if native => std::mem::size_of::<usize>(),
        _ => return None,
    })
}

/// Parses a format; the error is `struct.error`'s message.
pub fn parse(format: &str) -> Result<Layout, &'static str> {
    let bytes = format.as_bytes();
    let (mode, mut i) = match bytes.first() {
        Some(b'@') => (Mode::Native, 1),
        Some(b'=') => (Mode::Standard { little: cfg!(target_endian = "little") }, 1),
        Some(b'<') => (Mode::Standard { little: true }, 1),
        Some(b'>' | b'!') => (Mode::Standard { little: false }, 1),
        _ => (Mode::Native, 0),
    };
    let mut items = Vec::new();
    let (mut offset, mut len) = (0usize, 0usize);
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut count = None;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            let d = (bytes[i] - b'0') as usize;
            count = Some(
                count
                    .unwrap_or(0usize)
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(d))
                    .ok_or("total struct size too long")?,
            );
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return Err("repeat count given without format specifier");
        };
        i += 1;
        let size = item_size(code, mode).ok_or("bad char in struct format")?;
        let count = count.unwrap_or(1);
        if mode == Mode::Native && !matches!(code, b's' | b'p' | b'x' | b'c' | b'b' | b'B' | b'?') {
            offset = offset.div_ceil(size) * size;
        }
        let item = Item { code, count, offset, size };
        offset = offset
            .checked_add(size.checked_mul(count).ok_or("total struct size too long")?)
            .ok_or("total struct size too long")?;
        len += item.values();
        items.push(item);
    }
    Ok(Layout { mode, items, size: offset, len })
}
