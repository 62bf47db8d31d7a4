//! The hash algorithms behind `hashlib`, from the RustCrypto crates, with the names and
//! block sizes CPython reports.

use blake2::digest::{Update as _, VariableOutput};
use digest::DynDigest;

/// A hash in progress.
#[derive(Clone)]
pub enum Hasher {
    Fixed(Box<dyn DynDigest>),
    /// BLAKE2 with the digest size chosen at construction.
    Blake2b(blake2::Blake2bVar),
    Blake2s(blake2::Blake2sVar),
}

/// `hashlib.algorithms_guaranteed` (and `available`), sorted.
pub const NAMES: &[&str] = &[
    "blake2b", "blake2s", "md5", "sha1", "sha224", "sha256", "sha384", "sha3_224", "sha3_256", "sha3_384", "sha3_512",
    "sha512",
];

/// An algorithm, by `hashlib.new`'s names (any case; `sha-256` style OpenSSL names too).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Algorithm {
    pub name: &'static str,
    pub block_size: usize,
}

pub fn algorithm(name: &str) -> Option<Algorithm> {
    let lower = name.to_ascii_lowercase().replace('-', "");
    let name = match lower.as_str() {
        "md5" => "md5",
        "sha1" => "sha1",
        "sha224" => "sha224",
        "sha256" => "sha256",
        "sha384" => "sha384",
        "sha512" => "sha512",
        "sha3_224" | "sha3224" => "sha3_224",
        "sha3_256" | "sha3256" => "sha3_256",
        "sha3_384" | "sha3384" => "sha3_384",
        "sha3_512" | "sha3512" => "sha3_512",
        "blake2b" | "blake2b512" => "blake2b",
        "blake2s" | "blake2s256" => "blake2s",
        _ => return None,
    };
    let block_size = match name {
        "sha384" | "sha512" | "blake2b" => 128,
        "sha3_224" => 144,
        "sha3_256" => 136,
        "sha3_384" => 104,
        "sha3_512" => 72,
        _ => 64,
    };
    Some(Algorithm { name, block_size })
}

impl Algorithm {
    /// The largest (and default) digest size.
    pub fn max_digest_size(self) -> usize {
        match self.name {
            "md5" => 16,
            "sha1" => 20,
            "sha224" | "sha3_224" => 28,
            "sha256" | "sha3_256" | "blake2s" => 32,
            "sha384" | "sha3_384" => 48,
            _ => 64,
        }
    }

    /// A new hasher; `digest_size` only for BLAKE2 (checked by the caller).
    pub fn start(self, digest_size: usize) -> Hasher {
        let fixed = |d: Box<dyn DynDigest>| Hasher::Fixed(d);
        match self.name {
            "md5" => fixed(Box::<md5::Md5>::default()),
            "sha1" => fixed(Box::<sha1::Sha1>::default()),
            "sha224" => fixed(Box::<sha2::Sha224>::default()),
            "sha256" => fixed(Box::<sha2::Sha256>::default()),
            "sha384" => fixed(Box::<sha2::Sha384>::default()),
            "sha512" => fixed(Box::<sha2::Sha512>::default()),
            "sha3_224" => fixed(Box::<sha3::Sha3_224>::default()),
            "sha3_256" => fixed(Box::<sha3::Sha3_256>::default()),
            "sha3_384" => fixed(Box::<sha3::Sha3_384>::default()),
            "sha3_512" => fixed(Box::<sha3::Sha3_512>::default()),
            "blake2b" => Hasher::Blake2b(blake2::Blake2bVar::new(digest_size).expect("a checked size")),
            _ => Hasher::Blake2s(blake2::Blake2sVar::new(digest_size).expect("a checked size")),
        }
    }
}

impl Hasher {
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Fixed(d) => d.update(data),
            Hasher::Blake2b(b) => b.update(data),
            Hasher::Blake2s(b) => b.update(data),
        }
    }

    /// The digest of what was fed so far (the state is kept).
    pub fn digest(&self) -> Vec<u8> {
        match self.clone() {
            Hasher::Fixed(d) => d.finalize().into_vec(),
            Hasher::Blake2b(b) => {
                let mut out = vec![0; b.output_size()];
                b.finalize_variable(&mut out).expect("the output size");
                out
            }
            Hasher::Blake2s(b) => {
                let mut out = vec![0; b.output_size()];
                b.finalize_variable(&mut out).expect("the output size");
                out
            }
        }
    }

    pub fn digest_size(&self) -> usize {
        match self {
            Hasher::Fixed(d) => d.output_size(),
            Hasher::Blake2b(b) => b.output_size(),
            Hasher::Blake2s(b) => b.output_size(),
        }
    }
}

/// HMAC of `key` and `msg` with `alg`, as RFC 2104 defines it: the inner and outer hashes
/// of the padded key, ready for more input to the inner one.
#[derive(Clone)]
pub struct Hmac {
    pub inner: Hasher,
    pub outer: Hasher,
    pub alg: Algorithm,
}

impl Hmac {
    pub fn new(alg: Algorithm, key: &[u8]) -> Hmac {
        let size = alg.max_digest_size();
        let mut key = key.to_vec();
        if key.len() > alg.block_size {
            let mut h = alg.start(size);
            h.update(&key);
            key = h.digest();
        }
        key.resize(alg.block_size, 0);
        let (mut inner, mut outer) = (alg.start(size), alg.start(size));
        inner.update(&key.iter().map(|b| b ^ 0x36).collect::<Vec<u8>>());
        outer.update(&key.iter().map(|b| b ^ 0x5c).collect::<Vec<u8>>());
        Hmac { inner, outer, alg }
    }

    pub fn digest(&self) -> Vec<u8> {
        let mut outer = self.outer.clone();
        outer.update(&self.inner.digest());
        outer.digest()
    }
}

/// `hashlib.pbkdf2_hmac`: PBKDF2 (RFC 8018) with HMAC over `alg`.
pub fn pbkdf2(alg: Algorithm, password: &[u8], salt: &[u8], iterations: u64, dklen: usize) -> Vec<u8> {
    let base = Hmac::new(alg, password);
    let mut out = Vec::with_capacity(dklen);
    let mut block = 1u32;
    while out.len() < dklen {
        let mut mac = base.clone();
        mac.inner.update(salt);
        mac.inner.update(&block.to_be_bytes());
        let mut u = mac.digest();
        let mut t = u.clone();
        for _ in 1..iterations {
            let mut mac = base.clone();
            mac.inner.update(&u);
            u = mac.digest();
            for (x, y) in t.iter_mut().zip(&u) {
                *x ^= y;
            }
        }
        out.extend(t);
        block += 1;
    }
    out.truncate(dklen);
    out
}
