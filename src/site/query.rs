//! Database access for the site row.

use crate::db::Conn;
use diesel::prelude::*;

use super::model::{Site, SiteInput};
use crate::db::{sync_row, Change};
use crate::schema::site;

pub fn find(conn: &mut Conn) -> QueryResult<Option<Site>> {
    let row: Option<(SiteInput, String)> =
        site::table.select((SiteInput::as_select(), site::updated_at)).first(conn).optional()?;
    Ok(row.map(|(input, updated_at)| input.into_site(updated_at)))
}

/// Inserts or updates the single site row; unchanged content writes nothing.
pub fn sync(conn: &mut Conn, input: &SiteInput, now: &str) -> QueryResult<Change> {
    let existing = site::table.select((site::id, SiteInput::as_select())).first::<(i32, SiteInput)>(conn).optional()?;
    let insert = |conn: &mut Conn| crate::insert_stamped!(conn, site, (site::id.eq(1), input), now);
    let update = |conn: &mut Conn, id: i32| crate::update_stamped!(conn, site, id, input, now);
    Ok(sync_row(conn, existing, input, insert, update)?.1)
}
