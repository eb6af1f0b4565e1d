//! A fault-injecting TCP proxy between simulated devices and the server: the link a village
//! worker has. Each direction of a connection is delayed (half the round trip), throttled to a
//! bandwidth, and some connections are cut at a random byte or stall until the client gives up.
//! Deterministic from its seed, so a failing run can be repeated.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, sleep_until};

/// How bad the link is.
#[derive(Debug, Clone, Copy)]
pub struct LinkProfile {
    pub round_trip: Duration,
    /// Bytes per second in each direction.
    pub bytes_per_second: u64,
    /// Share of connections cut at a random byte offset (per mille).
    pub cut_per_mille: u32,
    /// Share of connections that stop moving bytes without closing (per mille).
    pub stall_per_mille: u32,
}

impl LinkProfile {
    /// A 2G link in a village: 600 ms round trip, 100 kbit/s, 2 % of connections cut.
    pub const TWO_G: LinkProfile = LinkProfile {
        round_trip: Duration::from_millis(600),
        bytes_per_second: 100_000 / 8,
        cut_per_mille: 20,
        stall_per_mille: 0,
    };
}

/// What the proxy did, for the test to check that faults really happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub connections: u64,
    pub cut: u64,
    pub stalled: u64,
}

pub struct FaultyLink {
    pub addr: SocketAddr,
    stats: Arc<Mutex<LinkStats>>,
    task: JoinHandle<()>,
}

impl FaultyLink {
    /// Starts a proxy on a loopback port in front of `server`.
    pub async fn start(
        server: SocketAddr,
        profile: LinkProfile,
        seed: u64,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Mutex::new(LinkStats::default()));
        let shared = Arc::clone(&stats);
        let task = tokio::spawn(async move {
            let mut rng = Rng::seeded(seed);
            while let Ok((client, _)) = listener.accept().await {
                let fate = rng.fate(profile);
                {
                    let mut stats = shared.lock().expect("stats lock");
                    stats.connections += 1;
                    match fate {
                        Fate::CutAfter(_) => stats.cut += 1,
                        Fate::Stall => stats.stalled += 1,
                        Fate::Deliver => {}
                    }
                }
                tokio::spawn(carry(client, server, profile, fate));
            }
        });
        Ok(Self { addr, stats, task })
    }

    pub fn stats(&self) -> LinkStats {
        *self.stats.lock().expect("stats lock")
    }
}

impl Drop for FaultyLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Debug, Clone, Copy)]
enum Fate {
    Deliver,
    /// The connection drops after this many bytes have crossed it, either way.
    CutAfter(u64),
    Stall,
}

/// splitmix64: enough randomness for choosing faults, well mixed from any seed, and no
/// dependency.
struct Rng(u64);

impl Rng {
    fn seeded(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fate(&mut self, profile: LinkProfile) -> Fate {
        let roll = (self.next() % 1000) as u32;
        if roll < profile.cut_per_mille {
            // Anywhere in a typical exchange: headers, the upload, or the answer.
            Fate::CutAfter(self.next() % 4_000)
        } else if roll < profile.cut_per_mille + profile.stall_per_mille {
            Fate::Stall
        } else {
            Fate::Deliver
        }
    }
}

async fn carry(client: TcpStream, server: SocketAddr, profile: LinkProfile, fate: Fate) {
    let Ok(upstream) = TcpStream::connect(server).await else {
        return;
    };
    if let Fate::Stall = fate {
        // Hold both ends open and move nothing; the client's timeout ends it.
        sleep(Duration::from_secs(120)).await;
        return;
    }
    let budget = match fate {
        Fate::CutAfter(bytes) => Some(Arc::new(Mutex::new(bytes))),
        _ => None,
    };
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = upstream.into_split();
    let up = pump(client_read, server_write, profile, budget.clone());
    let down = pump(server_read, client_write, profile, budget);
    // Either direction ending (or being cut) ends the connection: both halves drop here.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

/// Moves bytes one way, each chunk arriving half a round trip after it was read and no faster
/// than the bandwidth allows; stops when the shared byte budget of a cut connection runs out.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    profile: LinkProfile,
    budget: Option<Arc<Mutex<u64>>>,
) {
    let one_way = profile.round_trip / 2;
    let mut line_free_at = Instant::now();
    let mut buffer = vec![0u8; 1_460];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => n,
        };
        let mut allowed = read;
        if let Some(budget) = &budget {
            let mut left = budget.lock().expect("budget lock");
            allowed = allowed.min(*left as usize);
            *left -= allowed as u64;
        }
        let arrived = Instant::now();
        let send_time =
            Duration::from_micros(allowed as u64 * 1_000_000 / profile.bytes_per_second);
        line_free_at = line_free_at.max(arrived) + send_time;
        sleep_until(line_free_at.max(arrived + one_way)).await;
        if to.write_all(&buffer[..allowed]).await.is_err() || allowed < read {
            return;
        }
        if budget
            .as_ref()
            .is_some_and(|b| *b.lock().expect("budget lock") == 0)
        {
            return;
        }
    }
}
