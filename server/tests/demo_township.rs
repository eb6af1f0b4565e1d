//! The demo township: generated into an empty database with working accounts, never into one
//! that holds data.

mod support;

use pingan_server::accounts::password;
use pingan_server::demo::{self, DEMO_PASSWORD};
use pingan_shared::generator::TownshipSpec;
use support::Township;

fn small() -> TownshipSpec {
    TownshipSpec {
        seed: 7,
        year: 2022,
        villages: 2,
        groups_per_village: 3,
        households_per_village: 5,
        floating_residents_per_village: 4,
        rental_houses_per_village: 2,
        disputes_per_village: 3,
        outreach_visits_per_village: 1,
    }
}

#[tokio::test]
async fn an_empty_database_gets_the_township_the_flags_describe_and_accounts_that_log_in() {
    let township = Township::empty().await;
    let store = &township.store;

    let accounts = demo::seed_if_empty(store, &small(), 0)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(store.villages().await.unwrap().len(), 2);
    assert_eq!(
        store.documents_of_type("household").await.unwrap().len(),
        10
    );
    assert_eq!(
        store.documents_of_type("rental_house").await.unwrap().len(),
        4
    );
    assert_eq!(store.documents_of_type("dispute").await.unwrap().len(), 6);
    assert_eq!(
        store
            .documents_of_type("outreach_visit")
            .await
            .unwrap()
            .len(),
        2
    );
    // The rest of the year's work (issue 16): every village has some of each kind.
    for record_type in [
        "screening_round",
        "patrol",
        "joint_defence_group",
        "key_person",
        "responsibility_letter",
        "publicity_activity",
        "standardisation_check",
    ] {
        let stored = store.documents_of_type(record_type).await.unwrap();
        let mut villages: Vec<&str> = stored.iter().map(|d| d.village.as_str()).collect();
        villages.sort();
        villages.dedup();
        assert_eq!(villages, ["v01", "v02"], "{record_type}");
    }
    let rounds = store
        .documents_of_type("screening_round")
        .await
        .unwrap()
        .len();
    assert!(rounds > 2 * 45, "weekly rounds of two villages: {rounds}");
    let persons = store.documents_of_type("person").await.unwrap().len();
    assert!(
        persons >= 10 + 8,
        "household members and floating residents: {persons}"
    );
    let usernames: Vec<_> = accounts.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(usernames, ["admin", "reviewer", "worker01", "worker02"]);
    let (worker, hash) = store.user("worker02").await.unwrap().unwrap();
    assert_eq!(worker.villages, ["v02"]);
    assert!(password::verify(DEMO_PASSWORD, &hash));
}

#[tokio::test]
async fn a_database_with_villages_is_never_seeded_again() {
    let township = Township::empty().await;
    demo::seed_if_empty(&township.store, &small(), 0)
        .await
        .unwrap();
    let before = township
        .store
        .documents_of_type("household")
        .await
        .unwrap()
        .len();

    assert_eq!(
        demo::seed_if_empty(&township.store, &small(), 0)
            .await
            .unwrap(),
        None
    );

    assert_eq!(
        township
            .store
            .documents_of_type("household")
            .await
            .unwrap()
            .len(),
        before
    );
}
