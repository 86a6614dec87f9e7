//! The benchmark's baseline: bare actix-web answering the same JSON bytes from a hash map, no
//! database, no middleware. `baseline PORT FILE`, where FILE is a JSON object of path → body.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web::{Bytes, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};

async fn serve(req: HttpRequest, bodies: Data<Arc<HashMap<String, Bytes>>>) -> HttpResponse {
    let key = match req.query_string() {
        "" => req.path().to_string(),
        query => format!("{}?{query}", req.path()),
    };
    match bodies.get(&key) {
        Some(body) => HttpResponse::Ok().content_type("application/json").body(body.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (port, file) = match args.as_slice() {
        [_, port, file] => (port.parse::<u16>().expect("a port"), file.clone()),
        _ => panic!("usage: baseline PORT FILE"),
    };
    let json = std::fs::read_to_string(&file)?;
    let map: HashMap<String, String> = serde_json::from_str(&json).expect("a JSON object of path -> body");
    let bodies: Arc<HashMap<String, Bytes>> = Arc::new(map.into_iter().map(|(k, v)| (k, Bytes::from(v))).collect());
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new().app_data(Data::new(bodies.clone())).default_service(actix_web::web::to(serve))
        })
        .bind(("127.0.0.1", port))?
        .run()
        .await
    })
}
