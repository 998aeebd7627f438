//! Amounts of money the way Indian documents print them: in words with the Indian
//! system of numeration (thousand, lakh, crore) and in figures grouped the same way
//! (`12,34,567.89`).

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];

const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

const CRORE: u64 = 10_000_000;
const LAKH: u64 = 100_000;
const THOUSAND: u64 = 1_000;

/// 1..=99 in words ("Seven", "Forty-Two"); `n` must be below 100.
fn below_hundred(n: u64, out: &mut Vec<String>) {
    let n = n as usize % 100;
    if n < 20 {
        out.push(ONES[n].to_string());
    } else if n % 10 == 0 {
        out.push(TENS[n / 10].to_string());
    } else {
        out.push(format!("{}-{}", TENS[n / 10], ONES[n % 10]));
    }
}

/// A positive number in words, Indian system; amounts of a hundred crore and more
/// are said as "<words> Crore" ("One Hundred Crore", "Twelve Thousand Crore").
fn positive(n: u64, out: &mut Vec<String>) {
    let crore = n / CRORE;
    let mut rest = n % CRORE;
    if crore > 0 {
        positive(crore, out);
        out.push("Crore".to_string());
    }
    for (unit, name) in [(LAKH, "Lakh"), (THOUSAND, "Thousand")] {
        let count = rest / unit;
        rest %= unit;
        if count > 0 {
            below_hundred(count, out);
            out.push(name.to_string());
        }
    }
    let hundreds = rest / 100;
    rest %= 100;
    if hundreds > 0 {
        below_hundred(hundreds, out);
        out.push("Hundred".to_string());
    }
    if rest > 0 {
        below_hundred(rest, out);
    }
}

/// An amount of paise in words, as printed under an invoice's totals:
/// `123456789` → "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and
/// Eighty-Nine Paise Only". Zero paise leave the paise part out ("Rupees One Lakh
/// Only"), no rupees read "Rupees Zero"; negative amounts are prefixed "Minus".
pub fn rupees_in_words(paise: i64) -> String {
    let magnitude = paise.unsigned_abs();
    let (rupees, paise_part) = (magnitude / 100, magnitude % 100);
    let mut words: Vec<String> = Vec::new();
    if paise < 0 {
        words.push("Minus".to_string());
    }
    words.push("Rupees".to_string());
    if rupees == 0 {
        words.push(ONES[0].to_string());
    } else {
        positive(rupees, &mut words);
    }
    if paise_part > 0 {
        words.push("and".to_string());
        below_hundred(paise_part, &mut words);
        words.push("Paise".to_string());
    }
    words.push("Only".to_string());
    words.join(" ")
}

/// An amount of paise in figures with two decimals and Indian digit grouping (the last
/// three digits, then pairs): `123456789` → "12,34,567.89", `-5` → "-0.05".
pub fn format_indian(paise: i64) -> String {
    let magnitude = paise.unsigned_abs();
    let digits = (magnitude / 100).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 2 + 4);
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        let remaining = len - i;
        if i > 0 && remaining >= 3 && (remaining == 3 || (remaining - 3) % 2 == 0) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if paise < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", magnitude % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_values() {
        assert_eq!(
            rupees_in_words(123_456_789),
            "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and Eighty-Nine Paise Only"
        );
        assert_eq!(rupees_in_words(0), "Rupees Zero Only");
        assert_eq!(rupees_in_words(100), "Rupees One Only");
        assert_eq!(rupees_in_words(5), "Rupees Zero and Five Paise Only");
        assert_eq!(rupees_in_words(1_000), "Rupees Ten Only");
        assert_eq!(rupees_in_words(1_100), "Rupees Eleven Only");
        assert_eq!(rupees_in_words(2_000), "Rupees Twenty Only");
        assert_eq!(rupees_in_words(10_000), "Rupees One Hundred Only");
        assert_eq!(rupees_in_words(10_100), "Rupees One Hundred One Only");
        assert_eq!(rupees_in_words(100_000), "Rupees One Thousand Only");
        // 1,00,000 rupees is one lakh (and not "One Hundred Thousand").
        assert_eq!(rupees_in_words(10_000_000), "Rupees One Lakh Only");
        assert_eq!(
            rupees_in_words(10_000_050),
            "Rupees One Lakh and Fifty Paise Only"
        );
        assert_eq!(
            rupees_in_words(9_999_999),
            "Rupees Ninety-Nine Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only"
        );
    }

    #[test]
    fn crores() {
        assert_eq!(rupees_in_words(1_000_000_000), "Rupees One Crore Only");
        assert_eq!(
            rupees_in_words(1_234_567_890),
            "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Ninety Paise Only"
        );
        assert_eq!(
            rupees_in_words(100_050_002_100),
            "Rupees One Hundred Crore Five Lakh Twenty-One Only"
        );
        // 10 lakh crore, the largest amount Paise allows.
        assert_eq!(
            rupees_in_words(1_000_000_000_000_000),
            "Rupees Ten Lakh Crore Only"
        );
        assert_eq!(
            rupees_in_words(999_999_999_999_999),
            "Rupees Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only"
        );
    }

    #[test]
    fn negatives_and_extremes() {
        assert_eq!(
            rupees_in_words(-123_456_789),
            "Minus Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and Eighty-Nine Paise Only"
        );
        assert_eq!(rupees_in_words(-1), "Minus Rupees Zero and One Paise Only");
        // No panic at the ends of i64.
        assert!(rupees_in_words(i64::MIN)
            .starts_with("Minus Rupees Nine Hundred Twenty-Two Crore Thirty-Three Lakh"));
        assert!(rupees_in_words(i64::MAX).ends_with("and Seven Paise Only"));
    }

    #[test]
    fn indian_grouping() {
        assert_eq!(format_indian(0), "0.00");
        assert_eq!(format_indian(5), "0.05");
        assert_eq!(format_indian(-5), "-0.05");
        assert_eq!(format_indian(99_999), "999.99");
        assert_eq!(format_indian(100_000), "1,000.00");
        assert_eq!(format_indian(12_345_600), "1,23,456.00");
        assert_eq!(format_indian(123_456_789), "12,34,567.89");
        assert_eq!(format_indian(1_000_000_000), "1,00,00,000.00");
        assert_eq!(format_indian(-123_456_789_012), "-1,23,45,67,890.12");
        assert_eq!(format_indian(i64::MIN), "-92,23,37,20,36,85,47,758.08");
    }
}
