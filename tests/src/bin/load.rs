//! Load run: many field devices syncing small edits against a real server process.
//!
//! ```text
//! cargo build --release -p pingan-server -p pingan-tests --bin pingan-server --bin load
//! target/release/load --backend sqlite   --devices 500 --seconds 60
//! target/release/load --backend postgres --devices 500 --seconds 60
//! ```
//!
//! Starts `pingan-server serve` (the release binary beside this one, or `--server PATH`) on a
//! loopback port over a fresh database — SQLite in a temporary directory, or a new PostgreSQL
//! database at `--postgres` (default `postgres://postgres@127.0.0.1:5432/`, dropped after) —
//! with `--villages` villages (default 25) and one worker per device spread across them. Each
//! device owns one household and, every `--interval-ms` (default 2,000, the first tick spread
//! evenly), edits it (one Automerge change) and syncs until the server has nothing more: its
//! upload and the village's other changes since its position. Downloads are counted, not
//! merged, so the load generator's CPU goes to HTTP, not Automerge. Prints throughput, latency
//! percentiles per request, errors, the server's peak memory and CPU, PostgreSQL's CPU, and
//! the machine's CPU; `BENCHMARKS.md` records the results.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::{ActorId, AutoCommit, ChangeHash};
use pingan_server::Store;
use pingan_server::accounts::{self, Role, User, Village};
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::household::Household;
use pingan_shared::sync::protocol::{self, DocumentChanges, Position, SyncRequest, SyncResponse};
use serde_bytes::ByteBuf;
use sqlx::Connection;

struct Options {
    backend: String,
    devices: usize,
    seconds: u64,
    interval_ms: u64,
    villages: usize,
    server: PathBuf,
    postgres: String,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        backend: "sqlite".into(),
        devices: 500,
        seconds: 60,
        interval_ms: 2_000,
        villages: 25,
        server: std::env::current_exe()?.with_file_name("pingan-server"),
        postgres: "postgres://postgres@127.0.0.1:5432/".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--backend" => options.backend = value,
            "--devices" => options.devices = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--interval-ms" => options.interval_ms = value.parse()?,
            "--villages" => options.villages = value.parse()?,
            "--server" => options.server = value.into(),
            "--postgres" => options.postgres = value,
            _ => bail!("unknown option {flag}"),
        }
    }
    if !matches!(options.backend.as_str(), "sqlite" | "postgres") {
        bail!("--backend is sqlite or postgres");
    }
    if !options.postgres.ends_with('/') {
        options.postgres.push('/');
    }
    anyhow::ensure!(
        options.server.is_file(),
        "no server at {}; build it with `cargo build --release -p pingan-server` or pass --server",
        options.server.display()
    );
    anyhow::ensure!(options.devices > 0 && options.villages > 0 && options.seconds > 0);
    Ok(options)
}

/// What the run measured, from every device.
#[derive(Default)]
struct Tally {
    /// Per request, in microseconds.
    latencies: Vec<u32>,
    errors: BTreeMap<String, usize>,
    edits_acknowledged: usize,
    changes_downloaded: usize,
}

struct LoadDevice {
    device_id: String,
    token: String,
    id: DocumentId,
    doc: AutoCommit,
    acknowledged: Vec<ChangeHash>,
    position: Position,
    edits: u64,
}

impl LoadDevice {
    fn new(number: usize, village: &str, token: String) -> Self {
        let device_id = format!("load-{number}");
        let mut actor = [0x6c; 16];
        actor[..8].copy_from_slice(&(number as u64).to_be_bytes());
        let mut id = [0x44; 16];
        id[..8].copy_from_slice(&(number as u64).to_be_bytes());
        let by = Authorship {
            village: village.into(),
            created_by: device_id.clone(),
            created_at_ms: 0,
        };
        let doc = document::create(
            ActorId::from(actor.as_slice()),
            &Household::new(&by, "1组", &format!("{village}村{number}号"), "王建国"),
        );
        Self {
            device_id,
            token,
            id: DocumentId::from_random_bytes(id),
            doc,
            acknowledged: Vec::new(),
            position: Position::Start,
            edits: 0,
        }
    }

    fn edit(&mut self) {
        self.edits += 1;
        let mut household: Household = document::read(&self.doc).expect("a household");
        household.address = format!(
            "{}·{}",
            household.address.split('·').next().unwrap_or_default(),
            self.edits
        );
        document::update(&mut self.doc, &household);
        self.doc.commit();
    }

    /// Syncs until the server has nothing more (at most 20 requests).
    async fn sync(&mut self, client: &reqwest::Client, server: SocketAddr, tally: &mut Tally) {
        for _ in 0..20 {
            let heads = self.doc.get_heads();
            let changes = document::changes_since(&mut self.doc, &self.acknowledged);
            let request = SyncRequest {
                device_id: self.device_id.clone(),
                position: self.position.clone(),
                documents: if changes.is_empty() {
                    Vec::new()
                } else {
                    vec![DocumentChanges {
                        document_id: self.id.to_string(),
                        changes: changes.into_iter().map(ByteBuf::from).collect(),
                    }]
                },
                crash_reports: Vec::new(),
            };
            let started = Instant::now();
            let outcome = exchange(client, server, &self.token, &request).await;
            tally
                .latencies
                .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
            match outcome {
                Ok(response) => {
                    if response
                        .accepted
                        .iter()
                        .any(|a| a.document_id == self.id.as_str())
                    {
                        self.acknowledged = heads;
                        tally.edits_acknowledged += 1;
                    }
                    tally.changes_downloaded += response
                        .changes
                        .iter()
                        .map(|c| c.changes.len())
                        .sum::<usize>();
                    self.position = response.position;
                    if !response.more {
                        return;
                    }
                }
                Err(error) => {
                    *tally.errors.entry(error).or_default() += 1;
                    return;
                }
            }
        }
    }
}

async fn exchange(
    client: &reqwest::Client,
    server: SocketAddr,
    token: &str,
    request: &SyncRequest,
) -> Result<SyncResponse, String> {
    let response = client
        .post(format!("http://{server}/api/sync"))
        .bearer_auth(token)
        .header("content-type", protocol::CONTENT_TYPE)
        .body(protocol::encode(request))
        .send()
        .await
        .map_err(|e| format!("network: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("network: {e}"))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        return Err(format!(
            "{} {}",
            status.as_u16(),
            text.chars().take(120).collect::<String>()
        ));
    }
    protocol::decode("sync response", &body).map_err(|e| format!("undecodable answer: {e}"))
}

/// CPU time (user + system, in clock ticks) and resident memory (KiB) of a process.
fn process_usage(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .ok()?;
    Some((ticks, rss))
}

/// CPU ticks of every `postgres` process.
fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "postgres")
        })
        .filter_map(|pid| process_usage(pid).map(|(ticks, _)| ticks))
        .sum()
}

/// (busy, total) ticks of the whole machine.
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let dir = tempfile::tempdir()?;
    let pg_name = format!("pingan_load_{}", std::process::id());
    let url = match options.backend.as_str() {
        "sqlite" => format!("sqlite://{}", dir.path().join("pingan.db").display()),
        _ => {
            let mut admin =
                sqlx::PgConnection::connect(&format!("{}postgres", options.postgres)).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {pg_name}"))
                .execute(&mut admin)
                .await?;
            sqlx::query(&format!("CREATE DATABASE {pg_name}"))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            format!("{}{pg_name}", options.postgres)
        }
    };
    let outcome = run(&options, &url, &dir).await;
    if options.backend == "postgres" {
        let mut admin =
            sqlx::PgConnection::connect(&format!("{}postgres", options.postgres)).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
    }
    outcome
}

async fn run(options: &Options, url: &str, dir: &tempfile::TempDir) -> anyhow::Result<()> {
    let villages: Vec<String> = (0..options.villages).map(|v| format!("v{v:02}")).collect();
    let store = Store::connect(url).await?;
    for village in &villages {
        store
            .add_village(&Village {
                id: village.clone(),
                name: village.clone(),
            })
            .await?;
        let worker = User {
            username: format!("worker-{village}"),
            display_name: village.clone(),
            role: Role::Worker,
            villages: vec![village.clone()],
            disabled: false,
        };
        store.add_user(&worker, "unused", 0).await?;
    }
    let now = pingan_server::http::auth::now_ms();
    let mut devices = Vec::with_capacity(options.devices);
    for number in 0..options.devices {
        let village = &villages[number % villages.len()];
        let (token, hash) = accounts::new_token();
        let device = LoadDevice::new(number, village, token);
        store
            .create_session(
                &hash,
                &format!("worker-{village}"),
                &device.device_id,
                now,
                now + 86_400_000,
            )
            .await?;
        devices.push(device);
    }
    store.close().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let log = std::fs::File::create(dir.path().join("server.log"))?;
    let server = ServerProcess(
        Command::new(&options.server)
            .args(["serve", "--listen", &addr.to_string(), "--database", url])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", options.server.display()))?,
    );
    let pid = server.0.id();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.devices)
        .timeout(Duration::from_secs(60))
        .build()?;
    let ready = Instant::now();
    loop {
        let health = client.get(format!("http://{addr}/healthz")).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let interval = Duration::from_millis(options.interval_ms);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let (server_ticks_0, _) = process_usage(pid).context("reading the server's CPU time")?;
    let postgres_ticks_0 = postgres_ticks();
    let machine_0 = machine_ticks();
    let peak_rss = Arc::new(Mutex::new(0u64));
    let sampler = tokio::spawn({
        let peak_rss = peak_rss.clone();
        async move {
            while Instant::now() < deadline {
                if let Some((_, rss)) = process_usage(pid) {
                    let mut peak = peak_rss.lock().unwrap();
                    *peak = (*peak).max(rss);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    });

    let count = devices.len();
    let tasks: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(i, mut device)| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut next = started + interval.mul_f64(i as f64 / count as f64);
                while next < deadline {
                    tokio::time::sleep_until(next.into()).await;
                    device.edit();
                    device.sync(&client, addr, &mut tally).await;
                    next = (next + interval).max(Instant::now());
                }
                tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        let part = task.await?;
        tally.latencies.extend(part.latencies);
        for (error, n) in part.errors {
            *tally.errors.entry(error).or_default() += n;
        }
        tally.edits_acknowledged += part.edits_acknowledged;
        tally.changes_downloaded += part.changes_downloaded;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (server_ticks_1, _) = process_usage(pid).context("reading the server's CPU time")?;
    let postgres_ticks_1 = postgres_ticks();
    let machine_1 = machine_ticks();
    sampler.await?;
    drop(server);

    let ticks_per_second = 100.0; // USER_HZ on Linux
    let cpu = |ticks: u64| ticks as f64 / ticks_per_second / elapsed * 100.0;
    let machine_busy =
        (machine_1.0 - machine_0.0) as f64 / (machine_1.1 - machine_0.1).max(1) as f64 * 100.0;
    tally.latencies.sort_unstable();
    let errors: usize = tally.errors.values().sum();
    println!("backend            {}", options.backend);
    println!(
        "devices            {} in {} villages, one edit every {} ms each",
        options.devices, options.villages, options.interval_ms
    );
    println!("duration           {elapsed:.1} s");
    println!(
        "requests           {} ({:.0}/s)",
        tally.latencies.len(),
        tally.latencies.len() as f64 / elapsed
    );
    println!(
        "edits acknowledged {} ({:.0}/s)",
        tally.edits_acknowledged,
        tally.edits_acknowledged as f64 / elapsed
    );
    println!("changes downloaded {}", tally.changes_downloaded);
    println!(
        "latency            p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&tally.latencies, 0.5),
        percentile(&tally.latencies, 0.9),
        percentile(&tally.latencies, 0.99),
        percentile(&tally.latencies, 1.0)
    );
    println!("errors             {errors}");
    for (error, n) in &tally.errors {
        println!("  {n} × {error}");
    }
    println!(
        "server peak RSS    {:.1} MiB",
        *peak_rss.lock().unwrap() as f64 / 1024.0
    );
    println!(
        "server CPU         {:.0} % of one core",
        cpu(server_ticks_1 - server_ticks_0)
    );
    if options.backend == "postgres" {
        println!(
            "postgres CPU       {:.0} % of one core (all its processes)",
            cpu(postgres_ticks_1 - postgres_ticks_0)
        );
    }
    println!(
        "machine CPU busy   {machine_busy:.0} % of {} cores (load generator included)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(())
}
