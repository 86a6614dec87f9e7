//! The query language of lists, parsed strictly in one place.
//!
//! Each resource declares once what its list accepts (a `ListSpec`): filters with their
//! operators, sort keys, sparse fields, includes, and whether `q` searches it. Anything else in
//! the query string — an unknown parameter, filter, operator, sort key, field or include, a
//! malformed or repeated value — is a 400 naming the parameter and listing what is allowed.
//! Every problem in the query is reported at once.

use utoipa::IntoParams;

use super::pagination::{PageRequest, MAX_PAGE, MAX_PER_PAGE};
use super::search_terms;
use crate::clock;
use crate::error::{ApiError, FieldError};
use crate::validation::is_slug;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
}

impl Op {
    const ALL: [Op; 7] = [Op::Eq, Op::Ne, Op::Lt, Op::Lte, Op::Gt, Op::Gte, Op::In];

    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::In => "in",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::In => "IN",
        }
    }

    fn parse(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// Operators that make sense for values with no order.
pub const EQUALITY: &[Op] = &[Op::Eq, Op::Ne, Op::In];
/// Operators for ordered values (times, numbers).
pub const ORDERED: &[Op] = &[Op::Eq, Op::Ne, Op::Lt, Op::Lte, Op::Gt, Op::Gte, Op::In];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// A slug of this or a related resource.
    Slug,
    Bool,
    /// One of a fixed set of values.
    OneOf(&'static [&'static str]),
    /// An RFC 3339 time.
    Time,
    Int,
}

/// Where a filter applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A column or SQL expression of the listed table: `{sql} {op} ?`.
    Column(&'static str),
    /// Membership in a related set: `{id} [NOT] IN ({select} {op} ?)`, where `select` ends
    /// with the compared expression, e.g. `SELECT pt.post_id FROM post_tags pt JOIN tags t
    /// ON t.id = pt.tag_id WHERE t.slug`.
    Related { id: &'static str, select: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterSpec {
    pub name: &'static str,
    pub kind: FilterKind,
    pub ops: &'static [Op],
    pub target: Target,
    /// Only with a token (e.g. `status`, since the public sees only published content).
    pub preview_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    Int,
    Float,
}

#[derive(Debug, Clone, Copy)]
pub struct SortSpec {
    pub name: &'static str,
    /// The SQL expression sorted on (never NULL).
    pub sql: &'static str,
    pub kind: KeyKind,
}

/// The rows of one kind in the search index: those whose rowid is `code << 40` plus the
/// resource's id (the search module decides the codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchKind(pub i64);

/// Sorting by search rank, allowed (and the default) when `q` is given.
pub const RELEVANCE: SortSpec = SortSpec { name: "relevance", sql: "fts.rank", kind: KeyKind::Float };

#[derive(Debug, Clone, Copy)]
pub struct IncludeSpec {
    pub name: &'static str,
    /// The fields `fields[name]` may keep.
    pub fields: &'static [&'static str],
}

/// A copy of the listed table's columns with one row per related resource (e.g. per tag of a
/// post), kept in step by triggers. A list filtered to equal one of them (`filter[tag]=x`) reads
/// that resource's rows off the copy's indexes in the order asked, where the table would have
/// every matching row looked up and sorted. The copy has the table's id and every column its
/// visibility, filters and sorts use, under the same names, so the same SQL runs on either.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// The filter (with `eq`) the copy answers.
    pub filter: &'static str,
    /// The copy, read under the listed table's name.
    pub table: &'static str,
    /// `{column} = ?`: the copy's rows for the related resource's id, which `lookup` (SQL with
    /// one placeholder for the filter's value, selecting `id`) finds. The id is looked up first
    /// and bound, not selected in a subquery, so the planner sees it: with statistics (ANALYZE)
    /// it then knows how many of that resource's rows the other filters keep, and picks between
    /// the index in the order asked and a selective filter's index.
    pub column: &'static str,
    pub lookup: &'static str,
}

/// What a list endpoint accepts, and how it maps to SQL.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    /// The table listed, and its id column.
    pub table: &'static str,
    pub id: &'static str,
    /// What the public may see, as SQL with `public_binds` placeholders for the current time;
    /// empty when everything is public.
    pub public: &'static str,
    pub public_binds: usize,
    pub filters: &'static [FilterSpec],
    pub sorts: &'static [SortSpec],
    /// The default order, e.g. `-published_at`.
    pub default_sort: &'static str,
    /// Top-level fields `fields` may keep; empty when the list takes no `fields`.
    pub fields: &'static [&'static str],
    pub includes: &'static [IncludeSpec],
    /// The kind of search-index rows `q` matches, if the list is searchable.
    pub search: Option<SearchKind>,
    /// Takes `page`, `per_page` and `cursor` (false for a single resource).
    pub paged: bool,
    /// A copy to read instead of the table when the list is filtered by one related resource.
    pub listing: Option<Listing>,
}

/// A typed value bound into SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    /// A BOOLEAN column on PostgreSQL, an integer 0 or 1 on SQLite.
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub spec: FilterSpec,
    pub op: Op,
    pub values: Vec<Bind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: PageRequest,
    /// `page` was given (it may not be combined with `cursor`).
    pub cursor: Option<String>,
    pub filters: Vec<Filter>,
    pub sort: Vec<(SortSpec, Dir)>,
    pub fields: Option<Vec<String>>,
    pub include_fields: Vec<(String, Vec<String>)>,
    pub includes: Vec<&'static str>,
    /// `q`, read: as given and in each backend's query language.
    pub search: Option<search_terms::SearchTerms>,
    /// Everything but paging, re-encoded canonically: for links.
    pub canonical: String,
    /// What selects the items (`q` and filters), canonically: what a cursor is bound to (with
    /// the order), while `fields` and `include` may change between pages.
    pub selection: String,
}

/// `page`, `per_page` and `cursor`, as documented in the OpenAPI spec (parsing is done by
/// `ListQuery`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageParams {
    /// The page number, from 1 (at most 1,000,000; page deeper with `cursor`). Not with `cursor`.
    #[param(minimum = 1, maximum = 1000000, default = 1, example = 1)]
    page: Option<i64>,
    /// Items per page, from 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20, example = 20)]
    per_page: Option<i64>,
    /// An opaque cursor from `meta.pagination.next_cursor`: the page after the one it came
    /// from, in the same order and with the same filters, as fast at any depth.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

fn parse_positive(field: &str, value: &str, max: Option<i64>) -> Result<i64, FieldError> {
    let message = match max {
        Some(max) => format!("must be an integer from 1 to {max}"),
        None => "must be an integer of at least 1".to_string(),
    };
    match value.parse::<i64>() {
        Ok(n) if n >= 1 && max.is_none_or(|max| n <= max) => Ok(n),
        _ => Err(FieldError::new(field, format!("{message}, got '{}'", clip(value)))),
    }
}

fn clip(value: &str) -> String {
    if value.chars().count() > 60 {
        format!("{}…", value.chars().take(60).collect::<String>())
    } else {
        value.to_string()
    }
}

fn names<T>(items: &[T], name: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.iter().map(name).collect::<Vec<_>>().join(", ")
    }
}

impl ListSpec {
    /// What a list has unless its declaration says otherwise (`..ListSpec::BASE`): paged, every
    /// row public, and no filters, sorts, sparse fields, includes, search or listing copy.
    pub const BASE: ListSpec = ListSpec {
        table: "",
        id: "",
        public: "",
        public_binds: 0,
        filters: &[],
        sorts: &[],
        default_sort: "",
        fields: &[],
        includes: &[],
        search: None,
        paged: true,
        listing: None,
    };

    fn noun(&self) -> &'static str {
        if self.paged {
            "list"
        } else {
            "resource"
        }
    }

    fn allowed_parameters(&self, preview: bool) -> String {
        let mut names = if self.paged { vec!["page", "per_page", "cursor"] } else { Vec::new() };
        if !self.sorts.is_empty() {
            names.push("sort");
        }
        if !self.fields.is_empty() {
            names.push("fields");
        }
        if !self.includes.is_empty() {
            names.push("include");
        }
        if self.search.is_some() {
            names.push("q");
        }
        let mut all: Vec<String> = names.into_iter().map(str::to_string).collect();
        all.extend(self.filters.iter().filter(|f| preview || !f.preview_only).map(|f| format!("filter[{}]", f.name)));
        if all.is_empty() {
            "none".to_string()
        } else {
            all.join(", ")
        }
    }
}

fn parse_value(kind: FilterKind, raw: &str) -> Result<Bind, String> {
    match kind {
        FilterKind::Slug if is_slug(raw) => Ok(Bind::Text(raw.to_string())),
        FilterKind::Slug => {
            Err(format!("must be a slug (lower-case letters, digits and single hyphens), got '{}'", clip(raw)))
        }
        FilterKind::Bool => match raw {
            "true" => Ok(Bind::Bool(true)),
            "false" => Ok(Bind::Bool(false)),
            _ => Err(format!("must be true or false, got '{}'", clip(raw))),
        },
        FilterKind::OneOf(values) if values.contains(&raw) => Ok(Bind::Text(raw.to_string())),
        FilterKind::OneOf(values) => Err(format!("must be one of {}, got '{}'", values.join(", "), clip(raw))),
        FilterKind::Time => match clock::normalize(raw) {
            Some(time) => Ok(Bind::Text(time)),
            // A date alone means its start, in UTC.
            None => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(date) => Ok(Bind::Text(format!("{date}T00:00:00Z"))),
                Err(_) => Err(format!(
                    "must be an RFC 3339 time or a date (2026-04-25T16:00:00Z or 2026-04-25), got '{}'",
                    clip(raw)
                )),
            },
        },
        FilterKind::Int => {
            raw.parse::<i64>().map(Bind::Int).map_err(|_| format!("must be an integer, got '{}'", clip(raw)))
        }
    }
}

/// Splits `filter[name]` or `filter[name][op]` into (name, op).
fn filter_parts(param: &str) -> Option<(&str, Option<&str>)> {
    let inner = param.strip_prefix("filter[")?;
    let (name, rest) = inner.split_once(']')?;
    if rest.is_empty() {
        return Some((name, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some((name, Some(op)))
}

fn parse_sort(spec: &ListSpec, raw: &str, searching: bool) -> Result<Vec<(SortSpec, Dir)>, String> {
    let mut keys = Vec::new();
    for part in raw.split(',') {
        let (dir, name) = match part.strip_prefix('-') {
            Some(name) => (Dir::Desc, name),
            None => (Dir::Asc, part),
        };
        let key = spec.sorts.iter().copied().chain(searching.then_some(RELEVANCE)).find(|s| s.name == name);
        let Some(key) = key else {
            let allowed = names(spec.sorts, |s| s.name.to_string());
            let relevance = if spec.search.is_some() { " (and relevance, with q)" } else { "" };
            return Err(format!("'{}' is not a sort key of this list; keys: {allowed}{relevance}", clip(name)));
        };
        if keys.iter().any(|(k, _): &(SortSpec, Dir)| k.name == key.name) {
            return Err(format!("'{name}' is given twice"));
        }
        keys.push((key, dir));
    }
    if keys.len() > 2 {
        return Err("at most two sort keys may be given (ties are always broken by id)".into());
    }
    Ok(keys)
}

fn parse_field_list(raw: &str, allowed: &[&str], param: &str) -> Result<Vec<String>, FieldError> {
    let mut fields = Vec::new();
    for field in raw.split(',') {
        if !allowed.contains(&field) {
            return Err(FieldError::new(
                param,
                format!("'{}' is not a field here; fields: {}", clip(field), allowed.join(", ")),
            ));
        }
        if !fields.iter().any(|f: &String| f == field) {
            fields.push(field.to_string());
        }
    }
    Ok(fields)
}

impl ListQuery {
    /// Parses a list's query string against its spec. `preview` says whether the caller has a
    /// token (preview-only filters are refused otherwise).
    pub fn parse(query_string: &str, spec: &ListSpec, preview: bool) -> Result<ListQuery, ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut page = PageRequest::default();
        let mut page_given = false;
        let mut cursor = None;
        let mut filters: Vec<Filter> = Vec::new();
        let mut sort_raw: Option<String> = None;
        let mut fields_raw: Option<String> = None;
        let mut include_raw: Option<String> = None;
        let mut include_fields_raw: Vec<(String, String)> = Vec::new();
        let mut q_raw: Option<String> = None;

        for (param, value) in form_urlencoded::parse(query_string.as_bytes()) {
            if param.is_empty() && value.is_empty() {
                continue; // a stray '&'
            }
            // One value per parameter, and one condition per filter and operator.
            let key = match filter_parts(&param) {
                Some((name, op)) => format!("filter[{name}][{}]", op.unwrap_or("eq")),
                None => param.to_string(),
            };
            if seen.contains(&key) {
                errors.push(FieldError::new(param.as_ref(), "is given more than once"));
                continue;
            }
            seen.push(key);
            match param.as_ref() {
                "page" if spec.paged => match parse_positive("page", &value, Some(MAX_PAGE)) {
                    Ok(n) => {
                        page.page = n;
                        page_given = true;
                    }
                    Err(error) => errors.push(error),
                },
                "per_page" if spec.paged => match parse_positive("per_page", &value, Some(MAX_PER_PAGE)) {
                    Ok(n) => page.per_page = n,
                    Err(error) => errors.push(error),
                },
                "cursor" if spec.paged && value.is_empty() => {
                    errors.push(FieldError::new("cursor", "must not be empty"))
                }
                "cursor" if spec.paged => cursor = Some(value.to_string()),
                "sort" if !spec.sorts.is_empty() => sort_raw = Some(value.to_string()),
                "fields" if !spec.fields.is_empty() => fields_raw = Some(value.to_string()),
                "include" if !spec.includes.is_empty() => include_raw = Some(value.to_string()),
                "q" if spec.search.is_some() => q_raw = Some(value.to_string()),
                other if other.starts_with("fields[") && other.ends_with(']') && !spec.includes.is_empty() => {
                    include_fields_raw.push((other["fields[".len()..other.len() - 1].to_string(), value.to_string()));
                }
                other => match filter_parts(other) {
                    Some((name, op)) => match spec
                        .filters
                        .iter()
                        .find(|f| f.name == name && (preview || !f.preview_only))
                    {
                        None => errors.push(FieldError::new(
                            other,
                            format!(
                                "is not a filter of this {}; filters: {}",
                                spec.noun(),
                                names(
                                    &spec.filters.iter().filter(|f| preview || !f.preview_only).collect::<Vec<_>>(),
                                    |f| format!("filter[{}]", f.name)
                                )
                            ),
                        )),
                        Some(filter) => {
                            let op_name = op.unwrap_or("eq");
                            match Op::parse(op_name).filter(|op| filter.ops.contains(op)) {
                                None => errors.push(FieldError::new(
                                    other,
                                    format!(
                                        "the operator '{}' is not supported here; operators: {}",
                                        clip(op_name),
                                        filter.ops.iter().map(|op| op.name()).collect::<Vec<_>>().join(", ")
                                    ),
                                )),
                                Some(op) => {
                                    let raw: Vec<&str> =
                                        if op == Op::In { value.split(',').collect() } else { vec![value.as_ref()] };
                                    if raw.len() > 50 {
                                        errors.push(FieldError::new(other, "may list at most 50 values"));
                                        continue;
                                    }
                                    match raw.iter().map(|v| parse_value(filter.kind, v)).collect::<Result<Vec<_>, _>>()
                                    {
                                        Ok(values) => filters.push(Filter { spec: *filter, op, values }),
                                        Err(message) => errors.push(FieldError::new(other, message)),
                                    }
                                }
                            }
                        }
                    },
                    None => errors.push(FieldError::new(
                        other,
                        format!(
                            "is not a parameter of this {}; parameters: {}",
                            spec.noun(),
                            spec.allowed_parameters(preview)
                        ),
                    )),
                },
            }
        }

        if page_given && cursor.is_some() {
            errors.push(FieldError::new("cursor", "cannot be combined with page"));
        }
        let search = match &q_raw {
            Some(q) => match search_terms::parse_q(q) {
                Ok(terms) => Some(terms),
                Err(message) => {
                    errors.push(FieldError::new("q", message));
                    None
                }
            },
            None => None,
        };
        let sort = match &sort_raw {
            Some(raw) => parse_sort(spec, raw, search.is_some()).unwrap_or_else(|message| {
                errors.push(FieldError::new("sort", message));
                Vec::new()
            }),
            None if search.is_some() => vec![(RELEVANCE, Dir::Asc)],
            None => parse_sort(spec, spec.default_sort, false).unwrap_or_default(),
        };
        let fields = fields_raw
            .as_deref()
            .and_then(|raw| parse_field_list(raw, spec.fields, "fields").map_err(|error| errors.push(error)).ok());
        let includes: Vec<&'static str> = match &include_raw {
            Some(raw) => raw
                .split(',')
                .filter_map(|name| match spec.includes.iter().find(|i| i.name == name) {
                    Some(include) => Some(include.name),
                    None => {
                        errors.push(FieldError::new(
                            "include",
                            format!(
                                "'{}' cannot be included here; includes: {}",
                                clip(name),
                                names(spec.includes, |i| i.name.to_string())
                            ),
                        ));
                        None
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let mut include_fields = Vec::new();
        for (name, raw) in &include_fields_raw {
            let param = format!("fields[{name}]");
            match spec.includes.iter().find(|i| i.name == name) {
                Some(include) if includes.contains(&include.name) => {
                    match parse_field_list(raw, include.fields, &param) {
                        Ok(fields) => include_fields.push((name.clone(), fields)),
                        Err(error) => errors.push(error),
                    }
                }
                Some(_) => errors.push(FieldError::new(&param, format!("needs include={name}"))),
                None => errors.push(FieldError::new(
                    &param,
                    format!(
                        "'{}' cannot be included here; includes: {}",
                        clip(name),
                        names(spec.includes, |i| i.name.to_string())
                    ),
                )),
            }
        }

        if !errors.is_empty() {
            return Err(ApiError::bad_params(errors));
        }
        let mut query = ListQuery {
            page,
            cursor,
            filters,
            sort,
            fields,
            include_fields,
            includes,
            search,
            canonical: String::new(),
            selection: String::new(),
        };
        query.canonical = query.encode(&sort_raw, &fields_raw, &include_raw);
        query.selection = query.encode(&None, &None, &None);
        Ok(query)
    }

    /// Everything but paging in a canonical order (filters as given, in spec order).
    fn encode(&self, sort: &Option<String>, fields: &Option<String>, include: &Option<String>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(terms) = &self.search {
            out.append_pair("q", &terms.q);
        }
        for filter in &self.filters {
            let values: Vec<String> = filter
                .values
                .iter()
                .map(|value| match (value, filter.spec.kind) {
                    (Bind::Bool(b), _) => b.to_string(),
                    (Bind::Text(text), _) => text.clone(),
                    (Bind::Int(n), _) => n.to_string(),
                    (Bind::Float(f), _) => f.to_string(),
                })
                .collect();
            let param = match filter.op {
                Op::Eq => format!("filter[{}]", filter.spec.name),
                op => format!("filter[{}][{}]", filter.spec.name, op.name()),
            };
            out.append_pair(&param, &values.join(","));
        }
        for (name, value) in [("sort", sort), ("fields", fields), ("include", include)] {
            if let Some(value) = value {
                out.append_pair(name, value);
            }
        }
        for (name, fields) in &self.include_fields {
            out.append_pair(&format!("fields[{name}]"), &fields.join(","));
        }
        out.finish()
    }

    /// No parameters: a plain read (used by the write side to render what it wrote).
    pub fn none() -> ListQuery {
        ListQuery {
            page: PageRequest::default(),
            cursor: None,
            filters: Vec::new(),
            sort: Vec::new(),
            fields: None,
            include_fields: Vec::new(),
            includes: Vec::new(),
            search: None,
            canonical: String::new(),
            selection: String::new(),
        }
    }

    pub fn includes(&self, name: &str) -> bool {
        self.includes.contains(&name)
    }
}

/// What a single resource's route accepts: sparse `fields` and `include`.
#[derive(Debug, Clone, Copy)]
pub struct DetailSpec {
    pub fields: &'static [&'static str],
    pub includes: &'static [IncludeSpec],
}

/// Parses a detail route's query string (only `fields`, `fields[...]` and `include`).
pub fn parse_detail(query_string: &str, spec: &DetailSpec) -> Result<ListQuery, ApiError> {
    let spec = ListSpec { fields: spec.fields, includes: spec.includes, paged: false, ..ListSpec::BASE };
    ListQuery::parse(query_string, &spec, true)
}

/// A detail route that takes no parameters at all.
pub const NO_PARAMETERS: DetailSpec = DetailSpec { fields: &[], includes: &[] };
