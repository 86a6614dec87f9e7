DROP TABLE search_totals;
DROP TABLE search_documents;
DROP TEXT SEARCH CONFIGURATION clinic_content;
DROP TEXT SEARCH DICTIONARY clinic_content_stem;
-- unaccent stays: other schemas may use it.
