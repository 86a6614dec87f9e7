//! The library document: the whole content of a clinic in one JSON file, in display order.

use serde::{Deserialize, Serialize};

use crate::citations::model::CitationInput;
use crate::conditions::model::CategoryInput;
use crate::faqs::model::FaqInput;
use crate::guidance::model::{BandInput, CourseInput};
use crate::posts::model::PostInput;
use crate::site::model::SiteInput;
use crate::tags::model::TagInput;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    pub format_version: u32,
    pub site: SiteInput,
    pub tags: Vec<TagInput>,
    pub citations: Vec<CitationInput>,
    pub condition_categories: Vec<CategoryInput>,
    pub guidance: GuidanceInput,
    pub posts: Vec<PostInput>,
    pub faqs: Vec<FaqInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidanceInput {
    pub bands: Vec<BandInput>,
    pub course: CourseInput,
}
