//! Masking of identity and account numbers for display.

/// Replaces every character except the last four with `*`.
///
/// `"ABCDE1234F"` becomes `"******234F"`. A value of four characters or fewer
/// has nothing in front of its last four, so it is returned unchanged.
/// Characters are counted as Unicode scalar values, not bytes.
pub fn mask_last4(value: &str) -> String {
    let count = value.chars().count();
    let hidden = count.saturating_sub(4);
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i < hidden { '*' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask_last4("ABCDE1234F"), "******234F");
        assert_eq!(mask_last4("234123412346"), "********2346");
        assert_eq!(mask_last4("12345"), "*2345");
    }

    #[test]
    fn short_values_are_unchanged() {
        assert_eq!(mask_last4(""), "");
        assert_eq!(mask_last4("1"), "1");
        assert_eq!(mask_last4("1234"), "1234");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(mask_last4("éééééé"), "**éééé");
    }

    proptest! {
        #[test]
        fn keeps_length_and_tail(s in "\\PC{0,40}") {
            let masked = mask_last4(&s);
            let n = s.chars().count();
            prop_assert_eq!(masked.chars().count(), n);
            let tail: String = s.chars().skip(n.saturating_sub(4)).collect();
            prop_assert!(masked.ends_with(&tail));
            prop_assert!(masked.chars().take(n.saturating_sub(4)).all(|c| c == '*'));
        }
    }
}
