#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bisman_fuzz::checks::multipart(data);
});
