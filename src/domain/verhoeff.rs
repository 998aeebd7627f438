//! The Verhoeff check-digit scheme used by Aadhaar numbers.
//!
//! It is built on the dihedral group D5: `MULTIPLY` is the group table,
//! `PERMUTE` the position-dependent permutations and `INVERSE` the inverses.

const MULTIPLY: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

const PERMUTE: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

const INVERSE: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Runs the Verhoeff accumulator over `digits` (values 0..=9, most
/// significant first), treating the rightmost digit as position `offset`.
/// Returns `None` if any element is not a digit value.
fn accumulate(digits: &[u8], offset: usize) -> Option<u8> {
    let mut check = 0u8;
    for (position, &digit) in digits.iter().rev().enumerate() {
        let permuted = *PERMUTE
            .get((position + offset) % 8)?
            .get(usize::from(digit))?;
        check = *MULTIPLY
            .get(usize::from(check))?
            .get(usize::from(permuted))?;
    }
    Some(check)
}

/// True when the last digit of `digits` is the correct Verhoeff check digit
/// for the ones before it. Digits are values 0..=9, not ASCII characters.
pub fn verhoeff_is_valid(digits: &[u8]) -> bool {
    !digits.is_empty() && accumulate(digits, 0) == Some(0)
}

/// The Verhoeff check digit to append to `digits` (values 0..=9), or `None`
/// if an element is not a digit value.
pub fn verhoeff_check_digit(digits: &[u8]) -> Option<u8> {
    let check = accumulate(digits, 1)?;
    INVERSE.get(usize::from(check)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Product in D5, written from the group's definition rather than copied
    /// from the table: 0..=4 are rotations, 5..=9 reflections.
    fn d5(a: u8, b: u8) -> u8 {
        let (a, b) = (i32::from(a), i32::from(b));
        let r = match (a < 5, b < 5) {
            (true, true) => (a + b).rem_euclid(5),
            (true, false) => 5 + (a + b - 5).rem_euclid(5),
            (false, true) => 5 + (a - 5 - b).rem_euclid(5),
            (false, false) => (a - b).rem_euclid(5),
        };
        u8::try_from(r).unwrap()
    }

    /// The position permutation is the `k`-th power of one fixed permutation.
    fn sigma_power(k: usize, x: u8) -> u8 {
        const SIGMA: [u8; 10] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
        (0..k % 8).fold(x, |acc, _| SIGMA[usize::from(acc)])
    }

    /// A second, table-free implementation used as an oracle.
    fn oracle_valid(digits: &[u8]) -> bool {
        let mut c = 0;
        for (i, &d) in digits.iter().rev().enumerate() {
            c = d5(c, sigma_power(i, d));
        }
        c == 0
    }

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn tables_match_the_group_definition() {
        for a in 0..10u8 {
            for b in 0..10u8 {
                assert_eq!(MULTIPLY[usize::from(a)][usize::from(b)], d5(a, b));
            }
            assert_eq!(d5(a, INVERSE[usize::from(a)]), 0);
        }
        for (k, row) in PERMUTE.iter().enumerate() {
            for x in 0..10u8 {
                assert_eq!(row[usize::from(x)], sigma_power(k, x));
            }
        }
    }

    #[test]
    fn classic_example() {
        // The textbook example: 236 takes check digit 3.
        assert_eq!(verhoeff_check_digit(&digits("236")), Some(3));
        assert!(verhoeff_is_valid(&digits("2363")));
        assert!(!verhoeff_is_valid(&digits("2364")));
    }

    #[test]
    fn rejects_non_digit_values_and_empty() {
        assert!(!verhoeff_is_valid(&[]));
        assert!(!verhoeff_is_valid(&[1, 10]));
        assert_eq!(verhoeff_check_digit(&[12]), None);
    }

    proptest! {
        #[test]
        fn agrees_with_oracle(d in proptest::collection::vec(0u8..10, 1..20)) {
            prop_assert_eq!(verhoeff_is_valid(&d), oracle_valid(&d));
        }

        #[test]
        fn computed_digit_is_the_only_valid_one(d in proptest::collection::vec(0u8..10, 0..20)) {
            let check = verhoeff_check_digit(&d).unwrap();
            for candidate in 0..10u8 {
                let mut full = d.clone();
                full.push(candidate);
                prop_assert_eq!(oracle_valid(&full), candidate == check);
            }
        }
    }
}
