-- Every sync answer lists the returned records nobody has changed since (docs/review.md), so
-- that query runs once per device per minute. Approved records, which are nearly all of them,
-- stay out of this index and out of its reads.
CREATE INDEX reviews_returned ON reviews (document_id) WHERE verdict = 'returned';
