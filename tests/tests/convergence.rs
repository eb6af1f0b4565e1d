//! Convergence: twenty devices in three villages work offline, edit the same records
//! concurrently, and sync in random order over a link that drops requests and responses,
//! while their storage fails pages (a failed write, an aborted transaction, a full quota) and
//! the phones crash between pages. Every device runs the replica core the phone runs. Once
//! the faults clear and everyone has synced twice more, every device and the server hold
//! identical heads for every document the device may see, no device holds another village's
//! document, nothing any device made is lost, and every position equals the server's newest
//! feed entry (no page skipped).

use pingan_shared::document;
use pingan_shared::sync::memory::Fault;
use pingan_tests::{Device, TestServer, assert_converged, post_sync};
use proptest::prelude::*;

const DEVICES: u8 = 20;
const VILLAGES: [&str; 3] = ["xingfu", "heping", "anle"];

#[derive(Debug, Clone)]
enum Step {
    /// A device edits one of the households it holds.
    Edit {
        device: u8,
        pick: usize,
        field: Field,
        value: u8,
    },
    /// A device registers a new household.
    Add {
        device: u8,
        value: u8,
    },
    Sync {
        device: u8,
        link: Link,
    },
    /// The `nth` page the device stores from now on fails.
    StorageFault {
        device: u8,
        nth: usize,
        fault: Fault,
    },
    /// The phone dies and restarts with only what its storage committed.
    Crash {
        device: u8,
    },
}

#[derive(Debug, Clone, Copy)]
enum Field {
    Address,
    Head,
    Group,
    JointDefence,
}

#[derive(Debug, Clone, Copy)]
enum Link {
    Fine,
    /// The request never reaches the server.
    RequestLost,
    /// The server commits, but the answer never reaches the device.
    ResponseLost,
}

fn step() -> impl Strategy<Value = Step> {
    let device = 0..DEVICES;
    let field = prop_oneof![
        Just(Field::Address),
        Just(Field::Head),
        Just(Field::Group),
        Just(Field::JointDefence)
    ];
    let link = prop_oneof![
        3 => Just(Link::Fine),
        1 => Just(Link::RequestLost),
        1 => Just(Link::ResponseLost),
    ];
    let fault = prop_oneof![
        Just(Fault::WriteFails),
        Just(Fault::Aborted),
        Just(Fault::QuotaExceeded)
    ];
    prop_oneof![
        4 => (device.clone(), any::<usize>(), field, any::<u8>())
            .prop_map(|(device, pick, field, value)| Step::Edit { device, pick, field, value }),
        1 => (device.clone(), any::<u8>()).prop_map(|(device, value)| Step::Add { device, value }),
        3 => (device.clone(), link).prop_map(|(device, link)| Step::Sync { device, link }),
        1 => (device.clone(), 1..3usize, fault)
            .prop_map(|(device, nth, fault)| Step::StorageFault { device, nth, fault }),
        1 => device.prop_map(|device| Step::Crash { device }),
    ]
}

fn village_of(device: u8) -> &'static str {
    VILLAGES[device as usize % VILLAGES.len()]
}

async fn sync_once(server: &TestServer, device: &mut Device, link: Link) {
    let request = device.prepare().await.unwrap();
    match link {
        Link::RequestLost => device.lose_answer().await,
        Link::ResponseLost => {
            post_sync(server.addr, device.token(), &request)
                .await
                .unwrap();
            device.lose_answer().await;
        }
        Link::Fine => {
            let response = post_sync(server.addr, device.token(), &request)
                .await
                .unwrap();
            // A page the storage fails is not stored; the device asks for it again later.
            if device.receive(response).await.is_err() {
                device.lose_answer().await;
            }
        }
    }
}

async fn run(steps: Vec<Step>) {
    let server = TestServer::start().await.unwrap();
    let mut devices = Vec::new();
    let mut made_by_devices = Vec::new();
    for number in 0..DEVICES {
        let mut device = Device::new(number + 1, village_of(number));
        device.log_in(&server).await.unwrap();
        let id = device.add_household(&format!("{}1组{number}号", village_of(number)), "户主");
        made_by_devices.push((id.to_string(), number));
        devices.push(device);
    }
    // Everyone gets everyone's first household, so later edits can collide.
    for _ in 0..2 {
        for device in &mut devices {
            device.sync(server.addr).await.unwrap();
        }
    }

    for step in steps {
        match step {
            Step::Edit {
                device,
                pick,
                field,
                value,
            } => {
                let device = &mut devices[device as usize];
                let ids = device.document_ids();
                let id = document::DocumentId::parse(&ids[pick % ids.len()]).unwrap();
                device.edit_household(&id, |h| match field {
                    Field::Address => h.address = format!("{}号院", value),
                    Field::Head => h.head_of_household = format!("户主{value}"),
                    Field::Group => h.group = format!("{}组", value % 9 + 1),
                    Field::JointDefence => h.joint_defence_group = Some(format!("第{value}联防组")),
                });
            }
            Step::Add { device, value } => {
                let id = devices[device as usize].add_household(&format!("新{value}号"), "新户主");
                made_by_devices.push((id.to_string(), device));
            }
            Step::Sync { device, link } => {
                sync_once(&server, &mut devices[device as usize], link).await
            }
            Step::StorageFault { device, nth, fault } => {
                devices[device as usize].storage().fail_page(nth, fault)
            }
            Step::Crash { device } => devices[device as usize].crash(),
        }
    }
    for device in &devices {
        device.storage().heal();
    }

    // Quiet link: the first round uploads everything, the second brings everyone up to date.
    for _ in 0..2 {
        for device in &mut devices {
            device.sync(server.addr).await.unwrap();
        }
    }

    assert_converged(&server.store, &mut devices, &made_by_devices).await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, max_shrink_iters: 20, ..ProptestConfig::default() })]

    #[test]
    fn twenty_devices_in_three_villages_converge(steps in prop::collection::vec(step(), 40..120)) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(run(steps));
    }
}
