//! One save: creations and edits of several records, their documents and summaries written in
//! one strict transaction, sealed as they are written (`super::rows`).

use automerge::{ActorId, AutoCommit};
use indexed_db_futures::transaction::Transaction;
use pingan_shared::document::{self, Plain};
use pingan_shared::records::{Record, RecordType};
use pingan_shared::validation::{Date, FieldError};
use serde_bytes::ByteBuf;

use super::index;
use super::rows::{DocumentRow, document_row, heads_out, put_document_row, put_summary};
use super::seal::Sealer;
use crate::error::AppError;

/// What an edit does to a record; an `Err` names the fields that forbid it.
type Change<'a, R> = Box<dyn FnOnce(&mut R) -> Result<(), Vec<FieldError>> + 'a>;

/// One save in progress: documents and their summaries written in one strict transaction.
/// Dropping it without [`Writer::commit`] aborts everything written through it.
pub struct Writer<'a> {
    pub(super) tx: Transaction<'a>,
    pub(super) sealer: &'a Sealer,
    pub(super) actor: ActorId,
    pub(super) today: Date,
}

impl Writer<'_> {
    /// Adds a new record, signed by this device, after checking it; returns its id.
    pub async fn create<R: Record>(&self, record: &R) -> Result<String, AppError> {
        let id = new_id()?;
        self.create_as(&id, record).await?;
        Ok(id)
    }

    /// Adds a new record under an id from [`DeviceStore::new_id`], for records that refer to
    /// each other and are created together (a tenant and the house they rent).
    pub async fn create_as<R: Record>(&self, id: &str, record: &R) -> Result<(), AppError> {
        record.validate(self.today).map_err(AppError::Invalid)?;
        self.add(id, R::TYPE, document::create(self.actor.clone(), record))
    }

    /// Adds a new record written from its fields ([`document::create_plain`]), after `check`
    /// (the record's own validation, for today) passes; returns its id.
    pub fn create_plain(
        &self,
        record_type: RecordType,
        fields: &[(&str, Plain<'_>)],
        check: impl FnOnce(Date) -> Result<(), Vec<FieldError>>,
    ) -> Result<String, AppError> {
        check(self.today).map_err(AppError::Invalid)?;
        let id = new_id()?;
        self.add(
            &id,
            record_type,
            document::create_plain(self.actor.clone(), fields),
        )?;
        Ok(id)
    }

    /// Writes a new document and its summary (one copy for every record type).
    fn add(&self, id: &str, record_type: RecordType, mut doc: AutoCommit) -> Result<(), AppError> {
        let row = DocumentRow {
            id: id.to_owned(),
            record_type: record_type.as_str().to_owned(),
            bytes: ByteBuf::from(document::save_on_device(&mut doc)),
            heads: heads_out(&doc.get_heads()),
            acknowledged: Vec::new(),
            refused_at: None,
            refused_reason: None,
        };
        self.put(&row, &doc)
    }

    /// Changes a stored record: `change` edits the record read from its document, the result
    /// is checked, and only the fields that differ are written as a new Automerge change on
    /// the existing document — so another worker's concurrent edit to other fields merges.
    /// Any error (the record's own, or a rule `change` reports) leaves the record as it was.
    pub fn edit<'a, R: Record + 'a>(
        &'a self,
        id: &'a str,
        change: impl FnOnce(&mut R) -> Result<(), Vec<FieldError>> + 'a,
    ) -> impl Future<Output = Result<R, AppError>> + 'a {
        // Boxed so each record type compiles one edit, not one per call site.
        self.edit_boxed(id, Box::new(change))
    }

    async fn edit_boxed<R: Record>(&self, id: &str, change: Change<'_, R>) -> Result<R, AppError> {
        let (mut row, mut doc) = self.load(id).await?;
        let mut record: R = document::read(&doc)?;
        change(&mut record).map_err(AppError::Invalid)?;
        record.validate(self.today).map_err(AppError::Invalid)?;
        document::update(&mut doc, &record);
        row.bytes = ByteBuf::from(document::save_on_device(&mut doc));
        row.heads = heads_out(&doc.get_heads());
        self.put(&row, &doc)?;
        Ok(record)
    }

    /// A stored document, ready for this device to change.
    async fn load(&self, id: &str) -> Result<(DocumentRow, AutoCommit), AppError> {
        let row = document_row(&self.tx, self.sealer, id).await?;
        let doc = document::load(&row.bytes)?.with_actor(self.actor.clone());
        Ok((row, doc))
    }

    /// Issues the writes of a document and its summary without waiting for their answers:
    /// the transaction applies requests in order, a write that fails aborts it, and
    /// [`Writer::commit`] reports that. Waiting for each answer cost every save a frame: after
    /// a tap, Chromium paints before it delivers IndexedDB replies (BENCHMARKS.md, the save).
    fn put(&self, row: &DocumentRow, doc: &AutoCommit) -> Result<(), AppError> {
        let summary = index::summarise(&row.id, doc, row.flags())?;
        put_document_row(&self.tx, self.sealer, row)?;
        put_summary(&self.tx, self.sealer, &summary)
    }

    /// Commits; `Ok` means on disk.
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        Ok(())
    }
}

pub(super) fn new_id() -> Result<String, AppError> {
    Ok(pingan_shared::document::DocumentId::from_random_bytes(super::seal::random()?).to_string())
}
