-- Nothing to undo: merging the index's segments changes no content.
SELECT 1;
