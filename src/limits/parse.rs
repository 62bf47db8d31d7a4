//! Reading and showing limit values as people write them: sizes such as `100MB` or `2G`,
//! durations such as `5`, `1.5s`, `500ms` or `2m`.

use std::time::Duration;

/// Bytes in `text`: a number with an optional unit `K`, `M`, `G` or `T` (powers of 1024;
/// `KB`, `KiB` and the like mean the same) or `B`.
pub fn size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => return Err(format!("invalid size '{}': expected a number and K, M, G or T", text)),
    };
    let n: f64 = number.parse().map_err(|_| format!("invalid size '{}'", text))?;
    let bytes = n * scale as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > usize::MAX as f64 {
        return Err(format!("invalid size '{}'", text));
    }
    Ok(bytes as usize)
}

/// The duration in `text`: seconds, or a number with a unit `ms`, `s`, `m` or `h`.
pub fn duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("invalid duration '{}': expected seconds, or a number and ms, s, m or h", text)),
    };
    let n: f64 = number.parse().map_err(|_| format!("invalid duration '{}'", text))?;
    Duration::try_from_secs_f64(n * scale)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("invalid duration '{}'", text))
}

/// `size` read back: the largest unit that divides it exactly.
pub fn format_size(bytes: usize) -> String {
    for (unit, scale) in [("TB", 1usize << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)] {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{}", bytes / scale, unit);
        }
    }
    format!("{} bytes", bytes)
}

/// A duration as seconds, without trailing zeros (`5s`, `0.25s`).
pub fn format_duration(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size("100MB"), Ok(100 << 20));
        assert_eq!(size("2G"), Ok(2 << 30));
        assert_eq!(size("1.5k"), Ok(1536));
        assert_eq!(size("4096"), Ok(4096));
        assert!(size("lots").is_err());
        assert!(size("0").is_err());
        assert!(size("10XB").is_err());
        assert_eq!(format_size(100 << 20), "100MB");
        assert_eq!(format_size(1000), "1000 bytes");
    }

    #[test]
    fn durations() {
        assert_eq!(duration("5"), Ok(Duration::from_secs(5)));
        assert_eq!(duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert!(duration("-1").is_err());
        assert!(duration("soon").is_err());
        assert_eq!(format_duration(Duration::from_millis(250)), "0.25s");
        assert_eq!(format_duration(Duration::from_secs(5)), "5s");
    }
}
