//! Writing condition categories and conditions.

use crate::db::Conn;
use diesel::dsl::max;
use diesel::prelude::*;

use super::model::{
    CategoryContent, CategoryInput, CategoryWrite, Condition, ConditionCategory, ConditionInput, ConditionRow,
    ConditionWrite, REGIONS, RESPONSE_LEVELS,
};
use super::query;
use crate::content::Viewer;
use crate::error::{ApiError, FieldError};
use crate::http::referrers::{Referrers, NAMED};
use crate::http::write::Writable;
use crate::schema::{condition_categories, conditions, post_condition_categories, posts};
use crate::search::index as search;
use crate::validation::{Check, InDatabase, Kind};

impl CategoryWrite {
    pub fn validate(&self, check: &mut Check) {
        check.slug("slug", &self.slug);
        check.text("name", &self.name, 1, 200);
        check.text("description", &self.description, 1, 2000);
        check.one_of("response_level", &self.response_level, RESPONSE_LEVELS);
        if let Some(position) = self.position {
            check.range("position", position.into(), 0, 10_000);
        }
    }
}

impl ConditionInput {
    pub fn validate(&self, check: &mut Check, response_level: &str) {
        check.slug("slug", &self.slug);
        check.text("name", &self.name, 1, 200);
        check.text("summary", &self.summary, 1, 2000);
        check.optional_text("caveat", self.caveat.as_deref(), 2000);
        check.one_of("region", &self.region, REGIONS);
        check.that(self.is_red_flag == (response_level == "refer"), "is_red_flag", || {
            "must be true exactly when the category's response_level is 'refer'".to_string()
        });
    }
}

impl CategoryInput {
    pub fn fields(&self) -> CategoryWrite {
        CategoryWrite {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            response_level: self.response_level.clone(),
            position: None,
        }
    }
}

impl ConditionWrite {
    fn as_input(&self) -> ConditionInput {
        ConditionInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            summary: self.summary.clone(),
            caveat: self.caveat.clone(),
            region: self.region.clone(),
            is_red_flag: self.is_red_flag,
        }
    }
}

pub struct Categories;

impl Writable for Categories {
    type Input = CategoryWrite;
    type Output = ConditionCategory;
    const NAME: &'static str = "condition category";
    const COLLECTION: &'static str = "/v1/condition-categories";
    const EVENT_KIND: &'static str = "condition_category";

    fn slug(input: &CategoryWrite) -> &str {
        &input.slug
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, CategoryWrite)>> {
        let row: Option<(i32, CategoryContent)> = condition_categories::table
            .filter(condition_categories::slug.eq(slug))
            .select((condition_categories::id, CategoryContent::as_select()))
            .first(conn)
            .optional()?;
        Ok(row.map(|(id, category)| (id, category.into_write())))
    }

    fn validate(conn: &mut Conn, input: &CategoryWrite, existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        let mut check = Check::new("");
        input.validate(&mut check);
        if let Some(id) = existing {
            let mismatched: i64 = conditions::table
                .filter(conditions::category_id.eq(id))
                .filter(conditions::is_red_flag.ne(input.response_level == "refer"))
                .count()
                .get_result(conn)?;
            check.that(mismatched == 0, "response_level", || {
                format!("{mismatched} condition(s) in this category would no longer match it: red flags belong exactly in 'refer' categories")
            });
        }
        Ok(check.errors)
    }

    fn save(
        conn: &mut Conn,
        input: &CategoryWrite,
        existing: Option<(i32, &CategoryWrite)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        let position = match input.position {
            Some(position) => position,
            None => condition_categories::table
                .select(max(condition_categories::position))
                .first::<Option<i32>>(conn)?
                .map_or(0, |p| p + 1),
        };
        let content = input.content(position);
        let id = match existing {
            Some((id, _)) => {
                query::update_category(conn, id, &content, now)?;
                id
            }
            None => query::insert_category(conn, &content, now)?,
        };
        // The category's name is part of its conditions' searchable text.
        let members: Vec<i32> =
            conditions::table.filter(conditions::category_id.eq(id)).select(conditions::id).load(conn)?;
        for member in members {
            search::reindex(conn, search::Kind::Condition, member)?;
        }
        Ok(id)
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        // Posts stop discussing it (their link rows cascade); it has no conditions by now.
        diesel::delete(condition_categories::table.find(id)).execute(conn)?;
        Ok(())
    }

    fn referrers(conn: &mut Conn, id: i32) -> QueryResult<Vec<Referrers>> {
        let members = || conditions::table.filter(conditions::category_id.eq(id));
        let discussing = || {
            post_condition_categories::table
                .inner_join(posts::table)
                .filter(post_condition_categories::category_id.eq(id))
        };
        Ok(vec![
            Referrers {
                noun: ("condition", "conditions"),
                count: members().count().get_result(conn)?,
                first: members().order(conditions::slug).limit(NAMED).select(conditions::slug).load(conn)?,
                fixed: Some("each belongs to a category; move them to another category or delete them first"),
            },
            Referrers::detachable(
                ("post", "posts"),
                discussing().count().get_result(conn)?,
                discussing().order(posts::slug).limit(NAMED).select(posts::slug).load(conn)?,
            ),
        ])
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<ConditionCategory>> {
        query::find_category(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}

pub struct Conditions;

impl Writable for Conditions {
    type Input = ConditionWrite;
    type Output = Condition;
    const NAME: &'static str = "condition";
    const COLLECTION: &'static str = "/v1/conditions";
    const EVENT_KIND: &'static str = "condition";

    fn slug(input: &ConditionWrite) -> &str {
        &input.slug
    }

    fn load(conn: &mut Conn, slug: &str) -> QueryResult<Option<(i32, ConditionWrite)>> {
        let row: Option<(i32, String, ConditionRow)> = conditions::table
            .inner_join(condition_categories::table)
            .filter(conditions::slug.eq(slug))
            .select((conditions::id, condition_categories::slug, ConditionRow::as_select()))
            .first(conn)
            .optional()?;
        Ok(row.map(|(id, category, c)| {
            let write = ConditionWrite {
                slug: c.slug,
                category,
                name: c.name,
                summary: c.summary,
                caveat: c.caveat,
                region: c.region,
                is_red_flag: c.is_red_flag,
                position: Some(c.position),
            };
            (id, write)
        }))
    }

    fn validate(conn: &mut Conn, input: &ConditionWrite, _existing: Option<i32>) -> QueryResult<Vec<FieldError>> {
        let mut check = Check::new("");
        check.reference(&mut InDatabase(conn), "category", Kind::ConditionCategory, &input.category);
        let level: Option<String> = condition_categories::table
            .filter(condition_categories::slug.eq(&input.category))
            .select(condition_categories::response_level)
            .first(conn)
            .optional()?;
        input.as_input().validate(&mut check, level.as_deref().unwrap_or(""));
        if level.is_none() {
            // Without a category the red-flag rule cannot be judged; the category error says why.
            check.errors.retain(|error| error.field != "is_red_flag");
        }
        if let Some(position) = input.position {
            check.range("position", position.into(), 0, 10_000);
        }
        Ok(check.errors)
    }

    fn save(
        conn: &mut Conn,
        input: &ConditionWrite,
        existing: Option<(i32, &ConditionWrite)>,
        now: &str,
    ) -> Result<i32, ApiError> {
        let category_id: i32 = condition_categories::table
            .filter(condition_categories::slug.eq(&input.category))
            .select(condition_categories::id)
            .first(conn)?;
        let position = match input.position {
            Some(position) => position,
            None => conditions::table
                .filter(conditions::category_id.eq(category_id))
                .select(max(conditions::position))
                .first::<Option<i32>>(conn)?
                .map_or(0, |p| p + 1),
        };
        let content = input.as_input().content(category_id, position);
        let id = match existing {
            Some((id, _)) => {
                query::update_condition(conn, id, &content, now)?;
                id
            }
            None => query::insert_condition(conn, &content, now)?,
        };
        search::reindex(conn, search::Kind::Condition, id)?;
        Ok(id)
    }

    fn delete(conn: &mut Conn, id: i32) -> Result<(), ApiError> {
        diesel::delete(conditions::table.find(id)).execute(conn)?;
        search::remove(conn, search::Kind::Condition, id)?;
        Ok(())
    }

    fn find(conn: &mut Conn, slug: &str, viewer: &Viewer) -> QueryResult<Option<Condition>> {
        query::find_condition(conn, slug, &crate::http::list_query::ListQuery::none(), viewer)
    }
}
