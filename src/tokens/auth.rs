//! Who is calling: anonymous, or the holder of a valid token with a scope.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::AUTHORIZATION;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::model::Scope;
use super::query::{self, Verified};
use crate::clock;
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::http::cache::{OpenRead, TokenView};
use crate::http::rate_limit::TokenHolder;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's id, name and scope, when one was presented and is valid.
    pub token: Option<(i32, String, Scope)>,
}

impl Caller {
    pub fn anonymous() -> Caller {
        Caller { token: None }
    }

    pub fn scope(&self) -> Option<Scope> {
        self.token.as_ref().map(|(_, _, scope)| *scope)
    }

    /// May see drafts, scheduled and archived content.
    pub fn can_preview(&self) -> bool {
        self.scope().is_some()
    }

    pub fn require(&self, needed: Scope) -> Result<(), ApiError> {
        match self.scope() {
            None => Err(ApiError::Unauthorized {
                detail: "This route needs a token: send `Authorization: Bearer <token>`.".into(),
                invalid_token: false,
            }),
            Some(scope) if scope >= needed => Ok(()),
            Some(scope) => Err(ApiError::Forbidden {
                detail: format!(
                    "This route needs a token with the '{}' scope; this one has '{}'.",
                    needed.as_str(),
                    scope.as_str()
                ),
                needed: needed.as_str(),
            }),
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let invalid = || ApiError::Unauthorized {
        detail: "The Authorization header must be `Bearer <token>`.".into(),
        invalid_token: true,
    };
    let value = value.to_str().map_err(|_| invalid())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() || token.len() > 200 {
        return Err(invalid());
    }
    Ok(Some(token.trim().to_string()))
}

/// Records a token's use off the request path, and only when that costs nothing: it is skipped
/// when no pooled connection is idle or another writer holds the lock (`generate`, `import`),
/// and tried again on the token's next use. A read never waits for it or fails because of it.
fn record_use_later(pool: DbPool, id: i32, now: String) {
    actix_web::rt::spawn(async move {
        let recorded = web::block(move || match pool.try_get() {
            Some(mut conn) => db::without_waiting(&mut conn, |conn| query::record_use(conn, id, &now)).map(Some),
            None => Ok(None),
        })
        .await;
        match recorded {
            Ok(Ok(Some(_))) => {}
            Ok(Ok(None)) => log::debug!("token {id}: use not recorded, no idle connection"),
            Ok(Err(error)) => log::debug!("token {id}: use not recorded: {error}"),
            Err(error) => log::debug!("token {id}: use not recorded: {error}"),
        }
    });
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        known_or_authenticate(req)
    }
}

/// The caller `identify` or the route's guard already verified (no second look-up), else who
/// `authenticate` finds.
fn known_or_authenticate(req: &HttpRequest) -> Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>> {
    match req.extensions().get::<Caller>().cloned() {
        Some(caller) => Box::pin(std::future::ready(Ok(caller))),
        None => Box::pin(authenticate(req)),
    }
}

/// Who sent the request: anonymous without an `Authorization` header, the token's holder with a
/// valid one, a 401 with a malformed, unknown or revoked one.
fn authenticate(req: &HttpRequest) -> impl Future<Output = Result<Caller, ApiError>> {
    let token = bearer(req);
    let pool = req.app_data::<web::Data<DbPool>>().cloned();
    async move {
        let Some(token) = token? else {
            return Ok(Caller::anonymous());
        };
        let pool = pool.ok_or_else(|| ApiError::internal("no database pool"))?;
        let now = clock::now();
        let verified = db::run(&pool, {
            let now = now.clone();
            move |conn| Ok(query::verify(conn, &token, &now)?)
        })
        .await?;
        match verified {
            Verified::Valid { id, name, scope, record_use } => {
                if record_use {
                    record_use_later(pool.get_ref().clone(), id, now);
                }
                Ok(Caller { token: Some((id, name, scope)) })
            }
            Verified::Invalid => {
                Err(ApiError::Unauthorized { detail: "The token is not valid.".into(), invalid_token: true })
            }
            Verified::Revoked => {
                Err(ApiError::Unauthorized { detail: "The token has been revoked.".into(), invalid_token: true })
            }
        }
    }
}

/// Verifies a bearer token once, before the rate limits: its holder's `Caller` (which the route
/// guard and handlers then reuse) and a `TokenHolder`, so the request spends the token's budget.
/// Without a valid token nothing is recorded; the route answers 401 where it needs one.
pub async fn identify(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(AUTHORIZATION) {
        if let Ok(caller) = authenticate(req.request()).await {
            if let Some((id, _, _)) = caller.token {
                req.extensions_mut().insert(TokenHolder(id));
                // Every scope previews, so every token sees the same content.
                let view = if caller.can_preview() { "preview" } else { "public" };
                req.extensions_mut().insert(TokenView(view));
            }
            req.extensions_mut().insert(caller);
        }
    }
    next.call(req).await
}

/// The scopes a resource's methods need: `reads` for GET and HEAD (None: anyone), `writes` for
/// the others.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    pub reads: Option<Scope>,
    pub writes: Scope,
}

impl Needs {
    /// Content: anyone reads, writes need the `write` scope.
    pub const CONTENT: Needs = Needs { reads: None, writes: Scope::Write };
    /// Administration: everything needs the `admin` scope.
    pub const ADMIN: Needs = Needs { reads: Some(Scope::Admin), writes: Scope::Admin };
}

/// Middleware for one resource: a method that needs a token is answered 401 or 403 before the
/// handler parses its path or reads its body. Methods the resource does not serve (`allowed`)
/// pass on to the 405.
pub struct Guard {
    pub needs: Needs,
    pub allowed: &'static str,
}

impl<S, B> Transform<S, ServiceRequest> for Guard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = GuardService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<GuardService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(GuardService { service: Rc::new(service), needs: self.needs, allowed: self.allowed }))
    }
}

pub struct GuardService<S> {
    service: Rc<S>,
    needs: Needs,
    allowed: &'static str,
}

impl<S, B> Service<ServiceRequest> for GuardService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let method = req.method();
        let needed =
            if method == Method::GET || method == Method::HEAD { self.needs.reads } else { Some(self.needs.writes) };
        let service = self.service.clone();
        let served = |_: &Scope| self.allowed.split(", ").any(|allowed| allowed == method.as_str());
        let Some(needed) = needed.filter(served) else {
            if needed.is_none() && (method == Method::GET || method == Method::HEAD) {
                req.extensions_mut().insert(OpenRead);
            }
            return Box::pin(async move { service.call(req).await.map(ServiceResponse::map_into_left_body) });
        };
        let caller = known_or_authenticate(req.request());
        Box::pin(async move {
            match caller.await.and_then(|caller| caller.require(needed).map(|()| caller)) {
                Ok(caller) => {
                    req.extensions_mut().insert(caller);
                    service.call(req).await.map(ServiceResponse::map_into_left_body)
                }
                Err(error) => Ok(req.error_response(error).map_into_right_body()),
            }
        })
    }
}
