//! A client written by a stranger who has read only `docs/sync-protocol.md` and
//! `docs/data-model.md`: plain HTTP over a socket (reqwest), CBOR bodies built as
//! `ciborium::Value`, record documents built with the `automerge` crate — no Pingan types on
//! the client side. The server is set up with the API tests' support, which is not the
//! client's business.

mod support;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ScalarValue};
use ciborium::Value;
use support::{Backend, PASSWORD, Township, on_both_backends};

on_both_backends!(
    a_well_formed_household_is_accepted,
    text_where_a_string_belongs_is_refused_naming_the_field,
    an_int_where_a_uint_belongs_is_refused_naming_the_field,
    an_unknown_enumeration_value_is_refused_naming_the_field,
    a_missing_nested_key_is_refused_naming_the_field,
    two_wrong_fields_in_one_record_are_both_named,
    a_feed_position_the_server_never_issued_is_refused_and_changes_nothing,
    a_snapshot_position_the_server_never_issued_is_refused,
);

/// The server on a loopback port, and a worker of village `xingfu` logged in through it.
struct Stranger {
    base: String,
    http: reqwest::Client,
    token: String,
    device_id: String,
    server: tokio::task::JoinHandle<()>,
    _township: Township,
}

impl Drop for Stranger {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Stranger {
    async fn on(backend: Backend) -> Self {
        let township = Township::on(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = township.app.clone();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let http = reqwest::Client::new();
        let device_id = "stranger-phone-1".to_owned();
        let login = serde_json::json!({
            "username": "worker-xingfu",
            "password": PASSWORD,
            "device_id": device_id,
        });
        let response = http
            .post(format!("{base}/api/login"))
            .header("content-type", "application/json")
            .body(login.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        Stranger {
            token: answer["token"].as_str().unwrap().to_owned(),
            base,
            http,
            device_id,
            server,
            _township: township,
        }
    }

    /// `POST /api/sync`: the status, and the body as CBOR (200) or JSON (anything else).
    async fn sync(&self, position: Value, documents: Vec<(String, &mut AutoCommit)>) -> Answer {
        let documents = documents
            .into_iter()
            .map(|(id, doc)| {
                let changes = doc
                    .get_changes(&[])
                    .into_iter()
                    .map(|change| Value::Bytes(change.raw_bytes().to_vec()))
                    .collect();
                map(vec![
                    ("document_id", text(&id)),
                    ("changes", Value::Array(changes)),
                ])
            })
            .collect();
        let request = map(vec![
            ("device_id", text(&self.device_id)),
            ("position", position),
            ("documents", Value::Array(documents)),
        ]);
        let mut body = Vec::new();
        ciborium::into_writer(&request, &mut body).unwrap();
        let response = self
            .http
            .post(format!("{}/api/sync", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/cbor")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        if status == 200 {
            Answer::Cbor(ciborium::from_reader(bytes.as_ref()).unwrap())
        } else {
            Answer::Json(status, serde_json::from_slice(&bytes).unwrap())
        }
    }

    /// Uploads one document from `start`; the server must answer 200.
    async fn upload(&self, doc: &mut AutoCommit) -> (String, Value) {
        let id = new_id();
        let Answer::Cbor(answer) = self.sync(start(), vec![(id.clone(), doc)]).await else {
            panic!("the sync was not answered with 200");
        };
        (id, answer)
    }
}

enum Answer {
    Cbor(Value),
    Json(u16, serde_json::Value),
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

fn start() -> Value {
    map(vec![("kind", text("start"))])
}

/// `value[key]` of a CBOR map with text keys.
fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    value
        .as_map()
        .unwrap_or_else(|| panic!("{value:?} is not a map"))
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key:?} in {value:?}"))
}

fn array<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    get(value, key).as_array().unwrap()
}

fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{:032x}", NEXT.fetch_add(1, Ordering::Relaxed) + 0xe000)
}

/// A household as `docs/data-model.md` describes it, with one member and a security contact.
fn household() -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "type", "household").unwrap();
    doc.put(ROOT, "schema_version", ScalarValue::Uint(1))
        .unwrap();
    doc.put(ROOT, "village", "xingfu").unwrap();
    doc.put(ROOT, "created_by", "worker-xingfu").unwrap();
    doc.put(ROOT, "created_at_ms", ScalarValue::Int(1_700_000_000_000))
        .unwrap();
    doc.put(ROOT, "group", "3组").unwrap();
    doc.put(ROOT, "address", "幸福村3组12号").unwrap();
    doc.put(ROOT, "head_of_household", "王建国").unwrap();
    let members = doc.put_object(ROOT, "members", ObjType::List).unwrap();
    let member = doc.insert_object(&members, 0, ObjType::Map).unwrap();
    doc.put(&member, "person_id", "ab".repeat(16)).unwrap();
    doc.put(&member, "name", "王建国").unwrap();
    doc.put(&member, "relation", "head").unwrap();
    let contact = doc
        .put_object(ROOT, "security_contact", ObjType::Map)
        .unwrap();
    doc.put(&contact, "name", "王建国").unwrap();
    doc.put(&contact, "phone", "13812345678").unwrap();
    doc
}

fn first_member(doc: &AutoCommit) -> automerge::ObjId {
    use automerge::ReadDoc;
    let (_, members) = doc.get(ROOT, "members").unwrap().unwrap();
    doc.get(&members, 0).unwrap().unwrap().1
}

/// The refusal of the one document sent: its code and the fields its `errors` name.
fn refusal(answer: &Value) -> (String, Vec<String>) {
    assert!(array(answer, "accepted").is_empty(), "{answer:?}");
    let rejected = array(answer, "rejected");
    assert_eq!(rejected.len(), 1, "{answer:?}");
    let code = get(&rejected[0], "code").as_text().unwrap().to_owned();
    let fields = array(&rejected[0], "errors")
        .iter()
        .map(|error| {
            for key in ["message_zh", "message_en"] {
                assert!(!get(error, key).as_text().unwrap().is_empty());
            }
            get(error, "field").as_text().unwrap().to_owned()
        })
        .collect();
    (code, fields)
}

async fn a_well_formed_household_is_accepted(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let (id, answer) = stranger.upload(&mut household()).await;
    assert!(array(&answer, "rejected").is_empty(), "{answer:?}");
    let accepted = array(&answer, "accepted");
    assert_eq!(
        get(&accepted[0], "document_id").as_text(),
        Some(id.as_str())
    );
}

async fn text_where_a_string_belongs_is_refused_naming_the_field(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let mut doc = household();
    // What JS Automerge does with a plain string unless it is wrapped in RawString.
    let address = doc.put_object(ROOT, "address", ObjType::Text).unwrap();
    doc.splice_text(&address, 0, 0, "幸福村3组12号").unwrap();
    let (_, answer) = stranger.upload(&mut doc).await;
    assert_eq!(
        refusal(&answer),
        ("invalid_record".to_owned(), vec!["address".to_owned()])
    );
}

async fn an_int_where_a_uint_belongs_is_refused_naming_the_field(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let mut doc = household();
    doc.put(ROOT, "schema_version", ScalarValue::Int(1))
        .unwrap();
    let (_, answer) = stranger.upload(&mut doc).await;
    assert_eq!(
        refusal(&answer),
        (
            "invalid_record".to_owned(),
            vec!["schema_version".to_owned()]
        )
    );
}

async fn an_unknown_enumeration_value_is_refused_naming_the_field(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let mut doc = household();
    let member = first_member(&doc);
    doc.put(&member, "relation", "cousin").unwrap();
    let (_, answer) = stranger.upload(&mut doc).await;
    assert_eq!(
        refusal(&answer),
        (
            "invalid_record".to_owned(),
            vec!["members[0].relation".to_owned()]
        )
    );
}

async fn a_missing_nested_key_is_refused_naming_the_field(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let mut doc = household();
    use automerge::ReadDoc;
    let (_, contact) = doc.get(ROOT, "security_contact").unwrap().unwrap();
    doc.delete(&contact, "phone").unwrap();
    let (_, answer) = stranger.upload(&mut doc).await;
    assert_eq!(
        refusal(&answer),
        (
            "invalid_record".to_owned(),
            vec!["security_contact.phone".to_owned()]
        )
    );
}

async fn two_wrong_fields_in_one_record_are_both_named(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let mut doc = household();
    let address = doc.put_object(ROOT, "address", ObjType::Text).unwrap();
    doc.splice_text(&address, 0, 0, "幸福村3组12号").unwrap();
    let member = first_member(&doc);
    doc.put(&member, "relation", "cousin").unwrap();
    let (_, answer) = stranger.upload(&mut doc).await;
    assert_eq!(
        refusal(&answer),
        (
            "invalid_record".to_owned(),
            vec!["address".to_owned(), "members[0].relation".to_owned()]
        )
    );
}

async fn a_feed_position_the_server_never_issued_is_refused_and_changes_nothing(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    let id = new_id();
    let mut doc = household();
    let never_issued = map(vec![
        ("kind", text("feed")),
        ("seq", Value::Integer(1_000_000.into())),
    ]);
    let Answer::Json(status, error) = stranger
        .sync(never_issued, vec![(id.clone(), &mut doc)])
        .await
    else {
        panic!("a position past the feed was answered with 200");
    };
    assert_eq!(status, 400);
    assert_eq!(error["error"], "unknown_position");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("\"kind\":\"start\""),
        "{error}"
    );

    // Starting over works, and the refused request's upload was not stored.
    let Answer::Cbor(answer) = stranger.sync(start(), Vec::new()).await else {
        panic!("starting over was not answered with 200");
    };
    assert!(array(&answer, "documents").is_empty(), "{answer:?}");
    assert_eq!(
        get(get(&answer, "position"), "kind").as_text(),
        Some("feed")
    );
}

async fn a_snapshot_position_the_server_never_issued_is_refused(backend: Backend) {
    let stranger = Stranger::on(backend).await;
    stranger.upload(&mut household()).await;
    for (after_id, feed_at) in [("../etc/passwd", 0), (&*"ab".repeat(16), 1_000_000)] {
        let position = map(vec![
            ("kind", text("snapshot")),
            ("after_id", text(after_id)),
            ("feed_at", Value::Integer(feed_at.into())),
        ]);
        let Answer::Json(status, error) = stranger.sync(position, Vec::new()).await else {
            panic!("snapshot position ({after_id}, {feed_at}) was answered with 200");
        };
        assert_eq!(
            (status, error["error"].as_str()),
            (400, Some("unknown_position"))
        );
    }
}

/// `POST /api/login` with `body` sent as `content_type`: the status, the response's
/// content type and its body as JSON.
async fn login_with(
    content_type: Option<&str>,
    body: &'static str,
) -> (u16, String, serde_json::Value) {
    let township = Township::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = township.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut request = reqwest::Client::new().post(format!("{base}/api/login"));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.body(body).send().await.unwrap();
    server.abort();
    let status = response.status().as_u16();
    let answered_as = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.bytes().await.unwrap();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, answered_as, json)
}

#[tokio::test]
async fn login_answers_every_bad_body_with_the_documented_json() {
    const JSON: Option<&str> = Some("application/json");
    let cases = [
        (
            "an absent key",
            JSON,
            r#"{"username": "worker-xingfu", "device_id": "p1"}"#,
            400,
            "malformed_body",
        ),
        (
            "not JSON",
            JSON,
            "username=worker-xingfu",
            400,
            "malformed_body",
        ),
        ("an empty JSON body", JSON, "", 400, "malformed_body"),
        (
            "the wrong content type",
            Some("text/plain"),
            r#"{"username": "a", "password": "b", "device_id": "c"}"#,
            415,
            "unsupported_media_type",
        ),
        ("an empty body", None, "", 415, "unsupported_media_type"),
    ];
    for (case, content_type, body, status, code) in cases {
        let (answered, answered_as, json) = login_with(content_type, body).await;
        assert_eq!(answered, status, "{case}: {json}");
        assert_eq!(answered_as, "application/json", "{case}");
        assert_eq!(json["error"], code, "{case}: {json}");
        assert!(
            !json["message"].as_str().unwrap_or_default().is_empty(),
            "{case}: {json}"
        );
    }
    let (_, _, json) =
        login_with(JSON, r#"{"username": "worker-xingfu", "device_id": "p1"}"#).await;
    assert!(
        json["message"].as_str().unwrap().contains("password"),
        "the message names the absent key: {json}"
    );
}
