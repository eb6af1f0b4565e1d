//! The document as autosurgeon writes a record into it: an `AutoCommit` that autosurgeon is
//! told is never empty.
//!
//! `autosurgeon::reconcile` writes into an empty document by a second route (it builds the
//! whole record as a hydrate value, then creates the root in one batch) beside the route that
//! diffs against what is there. Both are compiled for every record type whichever runs, so
//! the phone carried each type's reconciliation twice: the field app's wasm is bounded at
//! 500,000 B brotli (issue 5), and the second copy cost it some KB. The diffing route
//! writes the same record into an empty document — there is simply nothing to diff — so it
//! is the only one used: `is_empty` is `false`, the batch route is dead code, and the
//! compiler drops it. Every other call goes straight to the document.

use std::ops::RangeBounds;

use automerge::{self as am, AutoCommit, AutomergeError, ObjId, Value};
use autosurgeon::{Doc, ReadDoc};

pub(super) struct Reconciling<'a>(pub &'a mut AutoCommit);

impl ReadDoc for Reconciling<'_> {
    type Parents<'a>
        = am::Parents<'a>
    where
        Self: 'a;

    fn get_heads(&self) -> Vec<am::ChangeHash> {
        ReadDoc::get_heads(&*self.0)
    }

    fn get<P: Into<am::Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        ReadDoc::get(&*self.0, obj, prop)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<am::ObjType> {
        ReadDoc::object_type(&*self.0, obj)
    }

    fn map_range<'a, O, R>(&'a self, obj: O, range: R) -> am::iter::MapRange<'a>
    where
        R: RangeBounds<String> + 'a,
        O: AsRef<ObjId>,
        R: RangeBounds<String>,
    {
        ReadDoc::map_range(&*self.0, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> am::iter::ListRange<'_> {
        ReadDoc::list_range(&*self.0, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        ReadDoc::length(&*self.0, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        ReadDoc::text(&*self.0, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(&*self.0, obj)
    }

    /// Never: see the module's comment.
    fn is_empty(&self) -> bool {
        false
    }
}

impl Doc for Reconciling<'_> {
    fn put<O: AsRef<ObjId>, P: Into<am::Prop>, V: Into<am::ScalarValue>>(
        &mut self,
        obj: O,
        prop: P,
        value: V,
    ) -> Result<(), AutomergeError> {
        Doc::put(self.0, obj, prop, value)
    }

    fn put_object<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        Doc::put_object(self.0, obj, prop, value)
    }

    fn insert<O: AsRef<ObjId>, V: Into<am::ScalarValue>>(
        &mut self,
        obj: O,
        index: usize,
        value: V,
    ) -> Result<(), AutomergeError> {
        Doc::insert(self.0, obj, index, value)
    }

    fn insert_object<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        index: usize,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        Doc::insert_object(self.0, obj, index, value)
    }

    fn increment<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: i64,
    ) -> Result<(), AutomergeError> {
        Doc::increment(self.0, obj, prop, value)
    }

    fn delete<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
    ) -> Result<(), AutomergeError> {
        Doc::delete(self.0, obj, prop)
    }

    fn splice_text<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        pos: usize,
        del: isize,
        text: &str,
    ) -> Result<(), AutomergeError> {
        Doc::splice_text(self.0, obj, pos, del, text)
    }

    fn update_text<O: AsRef<ObjId>>(&mut self, obj: O, text: &str) -> Result<(), AutomergeError> {
        Doc::update_text(self.0, obj, text)
    }

    fn batch_create<O: AsRef<ObjId>, P: Into<am::Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::hydrate::Value,
        insert: bool,
    ) -> Result<(), AutomergeError> {
        Doc::batch_create(self.0, obj, prop, value, insert)
    }

    fn init_root_from_hydrate(&mut self, value: &am::hydrate::Map) -> Result<(), AutomergeError> {
        Doc::init_root_from_hydrate(self.0, value)
    }
}
