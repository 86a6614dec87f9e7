DROP TABLE content_version;
DROP TABLE post_redirects;
DROP TABLE api_tokens;
