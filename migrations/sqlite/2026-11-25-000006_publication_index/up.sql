-- The next scheduled publication (read several times a second by the content-state refresh)
-- looks for the first public FAQ entry published after now. Without this index that was a
-- scan of every FAQ entry each time (posts already have posts_public_order).
CREATE INDEX faqs_by_publication ON faqs (published_at) WHERE status IN ('published', 'scheduled');
