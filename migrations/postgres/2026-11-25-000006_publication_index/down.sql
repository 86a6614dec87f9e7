DROP INDEX faqs_by_publication;
