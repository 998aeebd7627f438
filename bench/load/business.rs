//! The business workloads of issue 8: reads, writes, the branch-office mix over 1 and
//! 500 tenants, list pages at 10 k and 1 M invoices, each API figure next to the raw
//! SQLite baseline on the same machine.

use std::sync::{Arc, Mutex};

use reqwest::blocking::Client;
use serde_json::json;

use super::shop::{
    self, answered, bulk_invoices, employee_body, invoice_body, ok, open_shop, post, Shop,
};
use super::{baseline, drive, drive_gets, header, provision, report, Server};

/// A small PDF of about `size` bytes.
fn pdf(size: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n% benchmark document\n".to_vec();
    v.resize(size.saturating_sub(6), b' ');
    v.extend_from_slice(b"%%EOF\n");
    v
}

/// One read phase: `total` GETs of `path(i)` over 32 connections, its table row and the
/// server's CPU time per request; returns the throughput.
fn read_phase(
    server: &Server,
    token: &str,
    name: &str,
    total: usize,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
) -> f64 {
    let cpu = server.cpu_seconds();
    let (st, wall) = drive_gets(&server.base, token, 32, total, path);
    let rate = report(name, &st, wall);
    server.print_cpu_per_request(cpu, total);
    rate
}

/// Reads and writes on one tenant, then the baseline on the same file.
pub fn reads_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 1);
    let server = Server::start(dir.path(), &[]);
    let base = server.base.clone();
    let c = Client::new();
    let s = Arc::new(open_shop(&c, &base, &slugs[0], 0, (50, 50, 200, 200)));
    println!("data: 50 customers, 50 items, 200 employees, 200 issued invoices");
    header();

    let sh = Arc::clone(&s);
    let get_employee = read_phase(
        &server,
        &s.token,
        "read: GET employee by id (masked), 32 concurrent",
        20_000,
        move |i| {
            format!(
                "/api/v1/employees/{}",
                sh.employees[(i * 7919) % sh.employees.len()]
            )
        },
    );
    let sh = Arc::clone(&s);
    let get_invoice = read_phase(
        &server,
        &s.token,
        "read: GET invoice by id (with lines), 32 concurrent",
        20_000,
        move |i| {
            format!(
                "/api/v1/invoices/{}",
                sh.invoices[(i * 7919) % sh.invoices.len()]
            )
        },
    );
    read_phase(
        &server,
        &s.token,
        "read: list a page of 50 invoices, 32 concurrent",
        5_000,
        |_| "/api/v1/invoices?limit=50".into(),
    );

    let (b, sh) = (base.clone(), Arc::clone(&s));
    let (st, wall) = drive(8, 2_000, move |i, c| {
        post(
            c,
            &b,
            &sh.token,
            "/api/v1/customers",
            &json!({"name": format!("Bench customer {i}"), "state_code": "29"}),
        )
        .is_some()
    });
    let create_customer = report("write: create customer (+ audit), 8 concurrent", &st, wall);
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let (b, sh, out) = (base.clone(), Arc::clone(&s), Arc::clone(&issued));
    let (st, wall) = drive(8, 1_000, move |i, c| {
        let Some(d) = post(c, &b, &sh.token, "/api/v1/invoices", &invoice_body(&sh, i)) else {
            return false;
        };
        let id = d["id"].as_str().unwrap_or_default().to_string();
        let done = post(
            c,
            &b,
            &sh.token,
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({}),
        )
        .is_some();
        if done {
            if let Ok(mut v) = out.lock() {
                v.push(id);
            }
        }
        done
    });
    report(
        "write: create + issue invoice (2 requests), 8 concurrent",
        &st,
        wall,
    );
    let issued = Arc::new(issued.lock().map(|v| v.clone()).unwrap_or_default());
    let (b, sh, inv) = (base.clone(), Arc::clone(&s), Arc::clone(&issued));
    let (st, wall) = drive(8, issued.len(), move |i, c| {
        post(
            c,
            &b,
            &sh.token,
            "/api/v1/payments",
            &json!({"invoice_id": inv[i], "amount_paise": 100, "method": "upi",
            "reference": format!("UTR{i}"), "received_on": "2026-06-20"}),
        )
        .is_some()
    });
    report("write: record payment, 8 concurrent", &st, wall);
    let (b, sh) = (base.clone(), Arc::clone(&s));
    let (st, wall) = drive(8, 1_000, move |i, c| {
        post(
            c,
            &b,
            &sh.token,
            "/api/v1/employees",
            &employee_body(&sh.branch, 1, 10_000 + i),
        )
        .is_some()
    });
    report(
        "write: create employee (PAN, Aadhaar, account encrypted), 8 concurrent",
        &st,
        wall,
    );
    let (b, sh, doc) = (base.clone(), Arc::clone(&s), Arc::new(pdf(100 * 1024)));
    let (st, wall) = drive(4, 300, move |i, c| {
        let part = reqwest::blocking::multipart::Part::bytes(doc.to_vec()).file_name("scan.pdf");
        let form = reqwest::blocking::multipart::Form::new()
            .text("entity", "employee")
            .text("entity_id", sh.employees[i % sh.employees.len()].clone())
            .part("file", part);
        answered(
            c.post(format!("{b}/api/v1/files"))
                .bearer_auth(&sh.token)
                .multipart(form)
                .send(),
            201,
        )
    });
    report(
        "write: upload a 100 KiB PDF (encrypted, unscanned), 4 concurrent",
        &st,
        wall,
    );
    println!();
    println!(
        "peak RSS {} kB, open fds {}",
        server.proc_status("VmHWM:"),
        server.open_fds()
    );
    drop(server);

    let db = dir.path().join("tenants").join(&slugs[0]).join("tenant.db");
    let (commits, reads) = baseline::run(&db, 2_000, 100_000);
    println!();
    println!("| API figure | API req/s | baseline op/s | ratio |");
    println!("|---|---|---|---|");
    for (name, api, base) in [
        (
            "create customer vs insert + audit commit",
            create_customer,
            commits,
        ),
        ("GET employee vs point read", get_employee, reads),
        ("GET invoice vs point read", get_invoice, reads),
    ] {
        println!("| {name} | {api:.0} | {base:.0} | {:.2} |", api / base);
    }
}

/// The branch-office mix: 80 % reads (employee, invoice, a page of invoices), 20 % writes
/// (customer, draft invoice), over `tenants` tenants with 32 requests in flight.
pub fn mix(tenants: usize, requests: usize) -> f64 {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = Arc::new(provision(dir.path(), tenants));
    let server = Server::start(dir.path(), &[]);
    let base = server.base.clone();
    let shops: Arc<Mutex<Vec<Shop>>> = Arc::new(Mutex::new(vec![Shop::default(); tenants]));
    let per = if tenants == 1 {
        (20, 20, 100, 100)
    } else {
        (3, 3, 5, 5)
    };
    let (b, sl, out) = (base.clone(), Arc::clone(&slugs), Arc::clone(&shops));
    drive(8, tenants, move |t, c| {
        let s = open_shop(c, &b, &sl[t], t, per);
        if let Ok(mut v) = out.lock() {
            v[t] = s;
        }
        true
    });
    let shops = Arc::new(shops.lock().map(|v| v.clone()).unwrap_or_default());
    let b = base.clone();
    let (st, wall) = drive(32, requests, move |i, c| {
        let s = &shops[(i * 7919) % shops.len()];
        match i % 10 {
            0..=3 => ok(
                c,
                &b,
                &s.token,
                &format!("/api/v1/employees/{}", s.employees[i % s.employees.len()]),
            ),
            4..=6 => ok(
                c,
                &b,
                &s.token,
                &format!("/api/v1/invoices/{}", s.invoices[i % s.invoices.len()]),
            ),
            7 => ok(c, &b, &s.token, "/api/v1/invoices?limit=50"),
            8 => post(
                c,
                &b,
                &s.token,
                "/api/v1/customers",
                &json!({"name": format!("Walk-in {i}"), "state_code": "29"}),
            )
            .is_some(),
            _ => post(c, &b, &s.token, "/api/v1/invoices", &invoice_body(s, i)).is_some(),
        }
    });
    let rate = report(
        &format!("mix 80/20 over {tenants} tenant(s), 32 concurrent"),
        &st,
        wall,
    );
    println!(
        "  peak RSS {} kB, open fds {}, tenants open {}, SQLite heap {} kB",
        server.proc_status("VmHWM:"),
        server.open_fds(),
        server.metric("bisman_tenant_pools_open"),
        server.metric("bisman_sqlite_heap_bytes") / 1024.0
    );
    rate
}

/// A page of 50 invoices with 10 k and with 1 M invoices in the tenant.
pub fn scale(big: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 2);
    {
        let server = Server::start(dir.path(), &[]);
        let c = Client::new();
        for (t, slug) in slugs.iter().enumerate() {
            open_shop(&c, &server.base, slug, t, (5, 5, 0, 5));
        }
    }
    for (slug, n) in slugs.iter().zip([10_000, big]) {
        let started = std::time::Instant::now();
        bulk_invoices(&dir.path().join("tenants").join(slug).join("tenant.db"), n);
        println!(
            "loaded {n} invoices into {slug} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let server = Server::start(dir.path(), &[]);
    header();
    for (slug, n) in slugs.iter().zip([10_000, big]) {
        let c = Client::new();
        let token = shop::login_as(&c, &server.base, slug);
        let customer = c
            .get(format!("{}/api/v1/customers?limit=1", server.base))
            .bearer_auth(&token)
            .send()
            .ok()
            .and_then(|r| r.json::<serde_json::Value>().ok())
            .and_then(|v| v["items"][0]["id"].as_str().map(str::to_string))
            .unwrap_or_default();
        for (what, query) in [
            ("first page", "limit=50".to_string()),
            ("status=issued", "limit=50&status=issued".to_string()),
            ("one customer", format!("limit=50&customer_id={customer}")),
        ] {
            let (b, t) = (server.base.clone(), token.clone());
            let (st, wall) = drive(8, 2_000, move |_, c| {
                ok(c, &b, &t, &format!("/api/v1/invoices?{query}"))
            });
            report(
                &format!("list 50 invoices ({what}), {n} in the tenant, 8 concurrent"),
                &st,
                wall,
            );
        }
    }
}
