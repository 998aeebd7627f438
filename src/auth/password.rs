//! Password hashing (argon2id, OWASP parameters) and the password policy.

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, OnceLock};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, AppResult, FieldProblem};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;
/// How many recent passwords (the current one included) may not be reused.
pub const HISTORY: usize = 5;

fn argon2() -> Argon2<'static> {
    // OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Each argon2 computation holds 19 MiB. At most one per core runs at a time (more would
/// not finish sooner on the CPUs we have); a login flood queues here instead of
/// multiplying that memory by the number of requests in flight.
struct Gate {
    busy: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

struct Slot<'a>(&'a Gate);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut n) = self.0.busy.lock() {
            *n = n.saturating_sub(1);
        }
        self.0.freed.notify_one();
    }
}

impl Gate {
    fn get() -> &'static Gate {
        static G: OnceLock<Gate> = OnceLock::new();
        G.get_or_init(|| Gate {
            busy: Mutex::new(0),
            freed: Condvar::new(),
            max: std::thread::available_parallelism().map_or(2, |n| n.get()),
        })
    }

    fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        if let Ok(mut n) = self.busy.lock() {
            while *n >= self.max {
                match self.freed.wait(n) {
                    Ok(g) => n = g,
                    Err(_) => return f(), // poisoned: never block logins on a bookkeeping bug
                }
            }
            *n += 1;
        }
        let _slot = Slot(self);
        f()
    }
}

pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Gate::get().run(|| {
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("argon2: {e}")))
    })
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Gate::get().run(|| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }),
        Err(_) => false,
    }
}

/// A hash of nothing in particular, verified against when the user does not exist so
/// that unknown tenants and emails cost the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash("dummy password for constant-time failures").unwrap_or_default())
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../../assets/security/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

pub fn common_password_count() -> usize {
    common_passwords().len()
}

/// True for a common password, also behind the usual decorations: case, leetspeak
/// substitutions and trailing digits or symbols (`Welcome@123` is `welcome`).
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let set = common_passwords();
    if set.contains(lower.as_str()) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let stem = stem.trim_start_matches(|c: char| !c.is_alphabetic());
    if stem.len() >= 4 && set.contains(stem) {
        return true;
    }
    let unleet: String = lower
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect();
    let unleet_stem = unleet.trim_end_matches(|c: char| !c.is_alphabetic());
    set.contains(unleet.as_str()) || (unleet_stem.len() >= 4 && set.contains(unleet_stem))
}

/// Composition, length, common-password and email rules (history is checked by the caller).
pub fn check_policy(password: &str, email: &str, field: &str) -> AppResult<()> {
    let chars = password.chars().count();
    let fail = |code: &str, msg: &str| {
        Err(AppError::Validation(vec![FieldProblem::new(
            field, code, msg,
        )]))
    };
    if chars < MIN_LEN {
        return fail("password_too_short", "must be at least 8 characters");
    }
    if chars > MAX_LEN {
        return fail("password_too_long", "must be at most 128 characters");
    }
    if !password.chars().any(|c| c.is_uppercase()) {
        return fail(
            "password_missing_upper",
            "must contain an upper-case letter",
        );
    }
    if !password.chars().any(|c| c.is_lowercase()) {
        return fail("password_missing_lower", "must contain a lower-case letter");
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("password_missing_digit", "must contain a digit");
    }
    if !password.chars().any(|c| !c.is_alphanumeric()) {
        return fail(
            "password_missing_special",
            "must contain a special character",
        );
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.chars().count() >= 3 && password.to_lowercase().contains(&local) {
        return fail(
            "password_contains_email",
            "must not contain the email's local part",
        );
    }
    if is_common(password) {
        return fail(
            "password_common",
            "is too common; choose one that is not in lists of leaked passwords",
        );
    }
    Ok(())
}

/// Generates a password that satisfies the policy (for owners created without one).
pub fn generate() -> String {
    use rand::Rng;
    const SETS: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnopqrstuvwxyz",
        b"23456789",
        b"!#%+-=?@_",
    ];
    let mut rng = rand::thread_rng();
    let mut out: Vec<u8> = SETS.iter().map(|s| s[rng.gen_range(0..s.len())]).collect();
    let all: Vec<u8> = SETS.concat();
    while out.len() < 20 {
        out.push(all[rng.gen_range(0..all.len())]);
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.gen_range(0..=i));
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(pw: &str, email: &str) -> String {
        match check_policy(pw, email, "password") {
            Ok(()) => "ok".into(),
            Err(AppError::Validation(v)) => v[0].code.clone(),
            Err(e) => format!("{e}"),
        }
    }

    #[test]
    fn each_rule_has_its_own_code() {
        assert_eq!(code("Ab1!", "x@y.in"), "password_too_short");
        assert_eq!(
            code(&format!("Ab1!{}", "x".repeat(130)), "x@y.in"),
            "password_too_long"
        );
        assert_eq!(code("abcdefg1!", "x@y.in"), "password_missing_upper");
        assert_eq!(code("ABCDEFG1!", "x@y.in"), "password_missing_lower");
        assert_eq!(code("Abcdefgh!", "x@y.in"), "password_missing_digit");
        assert_eq!(code("Abcdefgh1", "x@y.in"), "password_missing_special");
        assert_eq!(
            code("Ravi-Kumar#2026", "ravi@acme.in"),
            "password_contains_email"
        );
        assert_eq!(code("P@ssw0rd", "x@y.in"), "password_common");
        assert_eq!(code("Welcome@123", "x@y.in"), "password_common");
        assert_eq!(code("Tr4vel-Lotus#92", "x@y.in"), "ok");
    }

    #[test]
    fn long_passwords_are_never_truncated() {
        let base = format!("Aa1!{}", "z".repeat(100));
        let h = hash(&format!("{base}X")).expect("hash");
        assert!(verify(&format!("{base}X"), &h));
        assert!(
            !verify(&format!("{base}Y"), &h),
            "the last character must matter"
        );
    }

    #[test]
    fn bundled_list_is_large_enough() {
        assert!(common_password_count() >= 10_000);
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..20 {
            assert_eq!(code(&generate(), "owner@acme.in"), "ok");
        }
    }
}
