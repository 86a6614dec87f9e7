//! Database access for condition categories and conditions.

use std::collections::HashMap;

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{
    CategoryContent, CategoryInput, CategoryRef, CategoryRow, Condition, ConditionCategory, ConditionContent,
    ConditionRow,
};
use crate::content::{grouped, Viewer};
use crate::db::{sync_row, Change};
use crate::http::list_query::ListQuery;
use crate::schema::{condition_categories, conditions, post_condition_categories};
use crate::search::index as search;

/// The categories with these ids, in that order, each with all its conditions.
pub fn categories_by_ids(
    conn: &mut Conn,
    ids: &[i32],
    _query: &ListQuery,
    _viewer: &Viewer,
) -> QueryResult<Vec<ConditionCategory>> {
    let rows: Vec<CategoryRow> = condition_categories::table
        .filter(condition_categories::id.eq_any(ids))
        .select(CategoryRow::as_select())
        .load(conn)?;
    Ok(crate::db::in_order(ids, with_conditions(conn, rows)?))
}

/// The categories with these slugs, in that order, each with all its conditions (unknown slugs
/// are left out).
pub fn categories_by_slugs(conn: &mut Conn, slugs: &[&str]) -> QueryResult<Vec<ConditionCategory>> {
    let rows: Vec<CategoryRow> = condition_categories::table
        .filter(condition_categories::slug.eq_any(slugs))
        .select(CategoryRow::as_select())
        .load(conn)?;
    let mut found = with_conditions(conn, rows)?;
    found.sort_by_key(|(_, category)| slugs.iter().position(|slug| *slug == category.slug));
    Ok(found.into_iter().map(|(_, category)| category).collect())
}

pub fn find_category(
    conn: &mut Conn,
    slug: &str,
    _query: &ListQuery,
    _viewer: &Viewer,
) -> QueryResult<Option<ConditionCategory>> {
    let row = condition_categories::table
        .filter(condition_categories::slug.eq(slug))
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_conditions(conn, row.into_iter().collect())?.pop().map(|(_, category)| category))
}

fn with_conditions(conn: &mut Conn, rows: Vec<CategoryRow>) -> QueryResult<Vec<(i32, ConditionCategory)>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let condition_rows: Vec<ConditionRow> = conditions::table
        .filter(conditions::category_id.eq_any(&ids))
        .order((conditions::category_id, conditions::position))
        .select(ConditionRow::as_select())
        .load(conn)?;
    let mut by_category = grouped(condition_rows.into_iter().map(|row| (row.category_id, row)));
    Ok(rows
        .into_iter()
        .map(|row| {
            let category = row.as_ref();
            let conditions = by_category
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|condition| condition.into_condition(&category))
                .collect();
            let id = row.id;
            (
                id,
                ConditionCategory {
                    slug: row.slug,
                    name: row.name,
                    description: row.description,
                    response_level: row.response_level,
                    position: row.position,
                    conditions,
                    updated_at: row.updated_at,
                },
            )
        })
        .collect())
}

/// The conditions with these ids, in that order, each with its category.
pub fn conditions_by_ids(
    conn: &mut Conn,
    ids: &[i32],
    _query: &ListQuery,
    _viewer: &Viewer,
) -> QueryResult<Vec<Condition>> {
    let rows: Vec<(i32, ConditionRow, CategoryRow)> = conditions::table
        .inner_join(condition_categories::table)
        .filter(conditions::id.eq_any(ids))
        .select((conditions::id, ConditionRow::as_select(), CategoryRow::as_select()))
        .load(conn)?;
    let conditions =
        rows.into_iter().map(|(id, condition, category)| (id, condition.into_condition(&category.as_ref()))).collect();
    Ok(crate::db::in_order(ids, conditions))
}

/// The conditions of the categories each given post discusses, in display order.
pub fn conditions_for_posts(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<Condition>>> {
    let rows: Vec<(i32, ConditionRow, CategoryRow)> = post_condition_categories::table
        .inner_join(condition_categories::table.inner_join(conditions::table))
        .filter(post_condition_categories::post_id.eq_any(post_ids))
        .order((post_condition_categories::post_id, condition_categories::position, conditions::position))
        .select((post_condition_categories::post_id, ConditionRow::as_select(), CategoryRow::as_select()))
        .load(conn)?;
    Ok(grouped(
        rows.into_iter().map(|(post, condition, category)| (post, condition.into_condition(&category.as_ref()))),
    ))
}

pub fn find_condition(
    conn: &mut Conn,
    slug: &str,
    _query: &ListQuery,
    _viewer: &Viewer,
) -> QueryResult<Option<Condition>> {
    let row: Option<(ConditionRow, CategoryRow)> = conditions::table
        .inner_join(condition_categories::table)
        .filter(conditions::slug.eq(slug))
        .select((ConditionRow::as_select(), CategoryRow::as_select()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(condition, category)| condition.into_condition(&category.as_ref())))
}

/// The categories each given post discusses, in display order.
pub fn categories_for_posts(conn: &mut Conn, post_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<CategoryRef>>> {
    let rows: Vec<(i32, CategoryRow)> = post_condition_categories::table
        .inner_join(condition_categories::table)
        .filter(post_condition_categories::post_id.eq_any(post_ids))
        .order((post_condition_categories::post_id, condition_categories::position))
        .select((post_condition_categories::post_id, CategoryRow::as_select()))
        .load(conn)?;
    Ok(grouped(rows.into_iter().map(|(post, row)| (post, row.as_ref()))))
}

/// Category ids by slug; an error names the first unknown slug.
pub fn category_ids_by_slugs(conn: &mut Conn, slugs: &[String]) -> crate::content::Stored<Vec<i32>> {
    let found = condition_categories::table
        .filter(condition_categories::slug.eq_any(slugs))
        .select((condition_categories::slug, condition_categories::id))
        .load(conn)?;
    crate::content::store::resolve_slugs(found, slugs, "condition category")
}

/// Syncs a category and its conditions (positions from their order); returns every change.
pub fn sync_category(conn: &mut Conn, input: &CategoryInput, position: i32, now: &str) -> QueryResult<Vec<Change>> {
    let content = input.fields().content(position);
    let existing = condition_categories::table
        .filter(condition_categories::slug.eq(&input.slug))
        .select((condition_categories::id, CategoryContent::as_select()))
        .first::<(i32, CategoryContent)>(conn)
        .optional()?;
    let insert = |conn: &mut Conn| insert_category(conn, &content, now);
    let update = |conn: &mut Conn, id: i32| update_category(conn, id, &content, now);
    let (category_id, change) = sync_row(conn, existing, &content, insert, update)?;
    let mut changes = vec![change];
    for (position, condition) in input.conditions.iter().enumerate() {
        let content = condition.content(category_id, position as i32);
        let existing = conditions::table
            .filter(conditions::slug.eq(&condition.slug))
            .select((conditions::id, ConditionContent::as_select()))
            .first::<(i32, ConditionContent)>(conn)
            .optional()?;
        let insert = |conn: &mut Conn| insert_condition(conn, &content, now);
        let update = |conn: &mut Conn, id: i32| update_condition(conn, id, &content, now);
        let (condition_id, change) = sync_row(conn, existing, &content, insert, update)?;
        if change != Change::Unchanged || changes[0] != Change::Unchanged {
            // The category's name is part of a condition's searchable text.
            search::reindex(conn, search::Kind::Condition, condition_id)?;
        }
        changes.push(change);
    }
    Ok(changes)
}

/// Inserts a new category row; returns its id. (The seed sync and the write API both write
/// through here and `update_category`.)
pub fn insert_category(conn: &mut Conn, content: &CategoryContent, now: &str) -> QueryResult<i32> {
    crate::insert_stamped!(conn, condition_categories, content, now)
}

pub fn update_category(conn: &mut Conn, id: i32, content: &CategoryContent, now: &str) -> QueryResult<usize> {
    crate::update_stamped!(conn, condition_categories, id, content, now)
}

/// Inserts a new condition row; returns its id. (The seed sync and the write API both write
/// through here and `update_condition`.)
pub fn insert_condition(conn: &mut Conn, content: &ConditionContent, now: &str) -> QueryResult<i32> {
    crate::insert_stamped!(conn, conditions, content, now)
}

pub fn update_condition(conn: &mut Conn, id: i32, content: &ConditionContent, now: &str) -> QueryResult<usize> {
    crate::update_stamped!(conn, conditions, id, content, now)
}
