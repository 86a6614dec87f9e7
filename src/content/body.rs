//! Text as every resource with a Markdown source serves it.

use serde::Serialize;
use utoipa::ToSchema;

/// Text in three forms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Body {
    /// The source, CommonMark.
    pub markdown: String,
    /// Rendered and sanitised: raw HTML in the source is escaped, unsafe links removed.
    pub html: String,
    /// Plain text, blocks separated by blank lines.
    pub text: String,
}
