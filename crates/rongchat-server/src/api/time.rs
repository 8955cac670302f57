//! RongCloud's reply times: `"2015-01-11 01:28:20"`, China Standard Time (UTC+8, no DST),
//! as its servers print them.

/// UTC+8 in ms.
const OFFSET_MS: i64 = 8 * 3600 * 1000;

/// `ms` since the epoch as `YYYY-MM-DD HH:MM:SS` in UTC+8.
pub fn format(ms: i64) -> String {
    let secs = (ms + OFFSET_MS).div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's published algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_times() {
        assert_eq!(super::format(0), "1970-01-01 08:00:00");
        // 2024-02-29 15:59:59 UTC.
        assert_eq!(super::format(1_709_222_399_000), "2024-02-29 23:59:59");
        assert_eq!(super::format(1_709_222_400_000), "2024-03-01 00:00:00");
    }
}
