//! Prometheus metrics, rendered in the text exposition format.
//!
//! Counters are process-wide (like any Prometheus client's default registry); gauges that
//! depend on app state (open pools, replication lag) are passed in at render time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Latency buckets in seconds: fine-grained below 10 ms, where this appliance lives.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<BTreeMap<(String, String), Histogram>>,
    labelled: Mutex<BTreeMap<(&'static str, String), u64>>,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub rate_limited: Counter,
    pub slow_queries: Counter,
    pub commits: Counter,
    pub wal_syncs: Counter,
    pub integrity_failures: Counter,
    pub writer_poison_recovered: Counter,
}

static GLOBAL: OnceLock<Metrics> = OnceLock::new();

pub fn global() -> &'static Metrics {
    GLOBAL.get_or_init(Metrics::default)
}

/// A gauge computed by the caller at scrape time.
pub struct Gauge {
    pub name: &'static str,
    pub help: &'static str,
    pub samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Metrics {
    /// Records one HTTP request by route *template* (never the raw path: bounded cardinality).
    pub fn observe_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut m) = self.durations.lock() {
            m.entry((method.to_string(), route.to_string()))
                .or_default()
                .observe(took.as_secs_f64());
        }
    }

    /// Increments a counter with one label, e.g. `bisman_uploads_rejected_total{reason}`.
    pub fn inc_labelled(&self, name: &'static str, label_value: &str) {
        if let Ok(mut m) = self.labelled.lock() {
            *m.entry((name, label_value.to_string())).or_default() += 1;
        }
    }

    pub fn render(&self, gauges: &[Gauge]) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP http_requests_total HTTP requests by method, route template and status.\n# TYPE http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    esc(method),
                    esc(route)
                );
            }
        }
        out.push_str("# HELP http_request_duration_seconds HTTP request latency by method and route template.\n# TYPE http_request_duration_seconds histogram\n");
        if let Ok(m) = self.durations.lock() {
            for ((method, route), h) in m.iter() {
                let labels = format!("method=\"{}\",route=\"{}\"", esc(method), esc(route));
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_sum{{{labels}}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_count{{{labels}}} {}",
                    h.count
                );
            }
        }
        for (name, help, c) in [
            (
                "bisman_cache_hits_total",
                "Cache hits (tenant metadata, permissions, revocations).",
                &self.cache_hits,
            ),
            (
                "bisman_cache_misses_total",
                "Cache misses.",
                &self.cache_misses,
            ),
            (
                "bisman_rate_limited_total",
                "Requests refused by a rate limit.",
                &self.rate_limited,
            ),
            (
                "bisman_slow_queries_total",
                "SQL statements slower than the slow-query threshold.",
                &self.slow_queries,
            ),
            (
                "bisman_integrity_failures_total",
                "Scheduled integrity checks that found a damaged database file.",
                &self.integrity_failures,
            ),
            (
                "bisman_writer_panics_recovered_total",
                "Writer connections recovered after a panic interrupted a write (rolled back).",
                &self.writer_poison_recovered,
            ),
            (
                "bisman_commits_total",
                "Write transactions committed (all databases).",
                &self.commits,
            ),
            (
                "bisman_wal_syncs_total",
                "WAL fsyncs; below bisman_commits_total when group commit shares them.",
                &self.wal_syncs,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                c.get()
            );
        }
        if let Ok(m) = self.labelled.lock() {
            let mut last = "";
            for ((name, value), n) in m.iter() {
                if *name != last {
                    let _ = writeln!(out, "# TYPE {name} counter");
                    last = name;
                }
                let _ = writeln!(out, "{name}{{reason=\"{}\"}} {n}", esc(value));
            }
        }
        for g in gauges {
            let _ = writeln!(out, "# HELP {} {}\n# TYPE {} gauge", g.name, g.help, g.name);
            for (labels, v) in &g.samples {
                let l: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", esc(v)))
                    .collect();
                if l.is_empty() {
                    let _ = writeln!(out, "{} {v}", g.name);
                } else {
                    let _ = writeln!(out, "{}{{{}}} {v}", g.name, l.join(","));
                }
            }
        }
        out
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe_request("GET", "/api/v1/users/<id>", 200, Duration::from_millis(3));
        m.cache_hits.inc();
        let text = m.render(&[Gauge {
            name: "bisman_tenant_pools_open",
            help: "x",
            samples: vec![(vec![], 2.0)],
        }]);
        assert!(text.contains(
            "http_requests_total{method=\"GET\",route=\"/api/v1/users/<id>\",status=\"200\"} 1"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.001\"} 0"));
        assert!(text.contains("bisman_cache_hits_total 1"));
        assert!(text.contains("bisman_tenant_pools_open 2"));
    }
}
