DROP INDEX faqs_by_updated;
DROP INDEX faqs_by_published_key;
DROP INDEX faqs_by_question;
DROP INDEX faqs_by_position_key;
DROP INDEX faq_tags_by_tag;
