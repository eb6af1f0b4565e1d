//! Who may download a ledger and for which period, ID and phone numbers starred unless an
//! admin asks for them whole, and the Chinese file name.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::fixture::{PERIOD, fill, get, rows, text, workbook};
use crate::support::{Backend, Township, on_both_backends};

on_both_backends!(
    ledgers_are_for_the_township_office_and_periods_are_checked,
    id_and_phone_numbers_are_starred_unless_an_admin_asks_for_them_whole,
    a_ledger_downloads_under_its_chinese_title,
);

async fn ledgers_are_for_the_township_office_and_periods_are_checked(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone-a").await;
    let admin = township.login("admin", "office-pc").await;
    let (status, _) = get(&township, &worker, "/api/ledgers/disputes.xlsx").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&township, &admin, "/api/ledgers/disputes.xlsx").await;
    assert_eq!(status, StatusCode::OK, "the current year by default");
    for (uri, expected) in [
        ("/api/ledgers/nonsense.xlsx", StatusCode::NOT_FOUND),
        ("/api/ledgers/disputes.pdf", StatusCode::NOT_FOUND),
        (
            "/api/ledgers/disputes.csv?from=2023-13-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/ledgers/disputes.csv?from=2023-12-01&to=2023-01-01",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, body) = get(&township, &admin, uri).await;
        assert_eq!(
            status,
            expected,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let (_, body) = get(
        &township,
        &admin,
        "/api/ledgers/disputes.csv?from=2023-13-01",
    )
    .await;
    assert!(String::from_utf8_lossy(&body).contains("from"));
}

async fn id_and_phone_numbers_are_starred_unless_an_admin_asks_for_them_whole(backend: Backend) {
    let township = Township::on(backend).await;
    fill(&township).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let admin = township.login("admin", "office-pc").await;
    let uri = format!("/api/ledgers/floating-residents.csv{PERIOD}");

    let starred = text(&township, &reviewer, &uri).await;
    assert!(starred.contains("110105********002X"), "{starred}");
    assert!(starred.contains("138****0001"));
    assert!(!starred.contains("11010519491231002X"));
    assert!(!starred.contains("13800000001"));
    assert_eq!(
        text(&township, &admin, &uri).await,
        starred,
        "starred for admins too"
    );

    let whole = text(&township, &admin, &format!("{uri}&full=1")).await;
    assert!(whole.contains("11010519491231002X"), "{whole}");
    assert!(whole.contains("13800000001"));
    let (status, body) = get(&township, &reviewer, &format!("{uri}&full=1")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only an admin takes whole numbers away"
    );
    assert!(String::from_utf8_lossy(&body).contains("admin"));
    let (status, _) = get(&township, &admin, &format!("{uri}&full=yes")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let mut disputes = workbook(
        &township,
        &admin,
        &format!("/api/ledgers/disputes.xlsx{PERIOD}&full=1"),
    )
    .await;
    assert_eq!(
        rows(&mut disputes, "幸福村")[3][6],
        "张三：13800000002、李四：13912345678"
    );
}

async fn a_ledger_downloads_under_its_chinese_title(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let request = Request::get("/api/ledgers/disputes.xlsx?from=2022-01-01&to=2022-12-31")
        .header(header::AUTHORIZATION, format!("Bearer {}", reviewer.token))
        .header("x-pingan-device", &reviewer.device_id)
        .body(Body::empty())
        .unwrap();
    let response = township.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("the header itself is ASCII")
        .to_owned();
    let _ = response.into_body().collect().await.unwrap();
    // 矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx, percent-encoded as UTF-8.
    let chinese: String = "矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"disputes_2022-01-01_2022-12-31.xlsx\"; filename*=UTF-8''{chinese}"
        )
    );
    assert!(
        disposition.contains("%E7%9F%9B%E7%9B%BE"),
        "矛盾: {disposition}"
    );
}
