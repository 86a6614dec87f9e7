use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::{condition_categories, conditions};

/// How well a kind of back pain responds to massage.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ResponseLevel {
    /// Responds well to targeted massage.
    Strong,
    /// Massage helps with part of the problem; see the caveat.
    Moderate,
    /// See a doctor before massage.
    Refer,
}

/// Where in the back a condition sits.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Region {
    LowerBack,
    UpperBack,
    WholeBack,
}

pub const RESPONSE_LEVELS: &[&str] = &["strong", "moderate", "refer"];
pub const REGIONS: &[&str] = &["lower_back", "upper_back", "whole_back"];

/// A group of conditions that respond to massage alike.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConditionCategory {
    #[schema(example = "moderate-responders")]
    pub slug: String,
    #[schema(example = "Moderate responders")]
    pub name: String,
    pub description: String,
    #[schema(value_type = ResponseLevel, example = "moderate")]
    pub response_level: String,
    /// Display order among categories, from 0.
    #[schema(example = 1)]
    pub position: i32,
    /// The conditions in this category, in display order.
    pub conditions: Vec<Condition>,
    pub updated_at: String,
}

/// A category as embedded in other resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CategoryRef {
    #[schema(example = "moderate-responders")]
    pub slug: String,
    #[schema(example = "Moderate responders")]
    pub name: String,
    #[schema(value_type = ResponseLevel, example = "moderate")]
    pub response_level: String,
}

/// One presentation of back pain and how it responds to massage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Condition {
    #[schema(example = "sciatica")]
    pub slug: String,
    #[schema(example = "Back pain with sciatica")]
    pub name: String,
    pub summary: String,
    /// What massage does not address for this condition, if anything.
    pub caveat: Option<String>,
    #[schema(value_type = Region, example = "lower_back")]
    pub region: String,
    /// True when this presentation calls for a doctor before massage.
    #[schema(example = false)]
    pub is_red_flag: bool,
    /// The response level of the condition's category.
    #[schema(value_type = ResponseLevel, example = "moderate")]
    pub response_level: String,
    pub category: CategoryRef,
    /// Display order within the category, from 0.
    #[schema(example = 2)]
    pub position: i32,
    pub updated_at: String,
}

/// A category as written in the seed file, with its conditions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub response_level: String,
    pub conditions: Vec<ConditionInput>,
}

/// A condition as written in the seed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionInput {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub caveat: Option<String>,
    pub region: String,
    pub is_red_flag: bool,
}

/// The stored columns of a category that the seed sets.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = condition_categories, treat_none_as_null = true)]
pub struct CategoryContent {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub response_level: String,
    pub position: i32,
}

/// The stored columns of a condition that the seed sets.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = conditions, treat_none_as_null = true)]
pub struct ConditionContent {
    pub slug: String,
    pub category_id: i32,
    pub position: i32,
    pub name: String,
    pub summary: String,
    pub caveat: Option<String>,
    pub region: String,
    pub is_red_flag: bool,
}

impl CategoryContent {
    /// The category as the API writes it.
    pub fn into_write(self) -> CategoryWrite {
        CategoryWrite {
            slug: self.slug,
            name: self.name,
            description: self.description,
            response_level: self.response_level,
            position: Some(self.position),
        }
    }
}

impl CategoryWrite {
    /// The stored columns, at `position`.
    pub fn content(&self, position: i32) -> CategoryContent {
        CategoryContent {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            response_level: self.response_level.clone(),
            position,
        }
    }
}

impl ConditionContent {
    /// The condition as a library document has it (its category and position are implied).
    pub fn into_input(self) -> ConditionInput {
        ConditionInput {
            slug: self.slug,
            name: self.name,
            summary: self.summary,
            caveat: self.caveat,
            region: self.region,
            is_red_flag: self.is_red_flag,
        }
    }
}

impl ConditionInput {
    /// The stored columns, in the category `category_id` at `position`.
    pub fn content(&self, category_id: i32, position: i32) -> ConditionContent {
        ConditionContent {
            slug: self.slug.clone(),
            category_id,
            position,
            name: self.name.clone(),
            summary: self.summary.clone(),
            caveat: self.caveat.clone(),
            region: self.region.clone(),
            is_red_flag: self.is_red_flag,
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = condition_categories)]
pub struct CategoryRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub response_level: String,
    pub position: i32,
    pub updated_at: String,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = conditions)]
pub struct ConditionRow {
    pub category_id: i32,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub caveat: Option<String>,
    pub region: String,
    pub is_red_flag: bool,
    pub position: i32,
    pub updated_at: String,
}

impl ConditionRow {
    pub fn into_condition(self, category: &CategoryRef) -> Condition {
        Condition {
            slug: self.slug,
            name: self.name,
            summary: self.summary,
            caveat: self.caveat,
            region: self.region,
            is_red_flag: self.is_red_flag,
            response_level: category.response_level.clone(),
            category: category.clone(),
            position: self.position,
            updated_at: self.updated_at,
        }
    }
}

impl CategoryRow {
    pub fn as_ref(&self) -> CategoryRef {
        CategoryRef { slug: self.slug.clone(), name: self.name.clone(), response_level: self.response_level.clone() }
    }
}

/// A condition category as written: the body of `POST /v1/condition-categories` and the
/// document `PATCH` merges into. Its conditions are written through `/v1/conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryWrite {
    #[schema(example = "moderate-responders")]
    pub slug: String,
    #[schema(example = "Moderate responders")]
    pub name: String,
    pub description: String,
    #[schema(value_type = ResponseLevel, example = "moderate")]
    pub response_level: String,
    /// Display order among categories; new categories go last when omitted.
    #[serde(default)]
    pub position: Option<i32>,
}

/// A condition as written: the body of `POST /v1/conditions` and the document `PATCH` merges
/// into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionWrite {
    #[schema(example = "sciatica")]
    pub slug: String,
    /// The slug of its category.
    #[schema(example = "moderate-responders")]
    pub category: String,
    #[schema(example = "Back pain with sciatica")]
    pub name: String,
    pub summary: String,
    /// What massage does not address, if anything.
    #[serde(default)]
    pub caveat: Option<String>,
    #[schema(value_type = Region, example = "lower_back")]
    pub region: String,
    /// Must be true exactly for conditions in a `refer` category.
    #[serde(default)]
    pub is_red_flag: bool,
    /// Display order within the category; new conditions go last when omitted.
    #[serde(default)]
    pub position: Option<i32>,
}

crate::envelope!(ConditionCategoryResponse, ConditionCategory);
crate::envelope!(ConditionResponse, Condition);
crate::list_envelope!(ConditionCategoryList, ConditionCategory);
crate::list_envelope!(ConditionList, Condition);
