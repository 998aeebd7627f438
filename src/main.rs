//! `bisman`: parse the command line and run; everything else lives in the library.

fn main() -> std::process::ExitCode {
    tune_allocator();
    bisman::cli::run()
}

/// Argon2 allocates 19 MiB per password check. glibc serves the first such block with
/// mmap, but on free raises its mmap threshold to that size, so later ones come from
/// per-thread arenas and stay resident: RSS then grows with the number of threads that
/// ever checked a password (331 MB peak in the auth benchmark). A fixed threshold keeps
/// big blocks on mmap, returned to the OS on free.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only changes allocator parameters; called once, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
