//! Who the client is and which URL it used. From the connection itself, unless the peer is one
//! of `TRUSTED_PROXIES`: only then do `Forwarded` (RFC 7239) or `X-Forwarded-For`,
//! `X-Forwarded-Proto` and `X-Forwarded-Host` say so. Anyone else's forwarded headers are
//! ignored, so a client cannot pick its rate-limit bucket or the host in a feed's self link.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use actix_web::dev::RequestHead;
use actix_web::http::header::HeaderMap;
use actix_web::web::Data;
use actix_web::HttpRequest;

/// An address block such as `10.0.0.0/8` or `fd00::/8` (a bare address is a block of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| format!("'{text}' is not an IP address or CIDR block"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= max)
                .ok_or_else(|| format!("'{text}' has a prefix length outside 0 to {max}"))?,
        };
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(network) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(network) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 client reached over an IPv4-mapped IPv6 socket counts as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// `TRUSTED_PROXIES`: the peers whose forwarded headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<Cidr>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR blocks.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(Cidr::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }
}

/// What the request says about its client, once the proxies are accounted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// `http` or `https`, when a trusted proxy said which.
    pub scheme: Option<String>,
    /// The host (and port) the client asked for, when a trusted proxy said which.
    pub host: Option<String>,
}

/// The client of a request arriving from `peer`.
pub fn client(head: &RequestHead, peer: Option<IpAddr>, trusted: &TrustedProxies) -> Client {
    let peer = peer.map(canonical).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if trusted.0.is_empty() || !trusted.trusts(peer) {
        return Client { ip: peer, scheme: None, host: None };
    }
    let headers = &head.headers;
    let forwarded = elements(headers, "forwarded");
    if !forwarded.is_empty() {
        let hops: Vec<Option<IpAddr>> =
            forwarded.iter().map(|element| param(element, "for").and_then(node_ip)).collect();
        let nearest = forwarded.last().map(String::as_str).unwrap_or("");
        return Client {
            ip: first_untrusted(&hops, trusted).unwrap_or(peer),
            scheme: param(nearest, "proto").and_then(scheme),
            host: param(nearest, "host").and_then(host),
        };
    }
    let hops: Vec<Option<IpAddr>> =
        elements(headers, "x-forwarded-for").iter().map(|hop| node_ip(hop.clone())).collect();
    Client {
        ip: first_untrusted(&hops, trusted).unwrap_or(peer),
        scheme: elements(headers, "x-forwarded-proto").pop().and_then(scheme),
        host: elements(headers, "x-forwarded-host").pop().and_then(host),
    }
}

/// The client's address: walking back from the nearest hop, the first one not a trusted proxy.
/// A hop that cannot be read ends the walk (what lies before it cannot be trusted either).
fn first_untrusted(hops: &[Option<IpAddr>], trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut last_trusted = None;
    for hop in hops.iter().rev() {
        let ip = (*hop)?;
        if !trusted.trusts(ip) {
            return Some(ip);
        }
        last_trusted = Some(ip);
    }
    last_trusted
}

/// Every comma-separated element of every instance of a header, in order.
fn elements(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|element| element.trim().to_string())
        .filter(|element| !element.is_empty())
        .collect()
}

/// A parameter of one `Forwarded` element (`for=...;proto=...`), unquoted.
fn param(element: &str, name: &str) -> Option<String> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().trim_matches('"').to_string())
    })
}

/// An address from a `for=` node or an `X-Forwarded-For` hop: `1.2.3.4`, `1.2.3.4:5678`,
/// `[2001:db8::1]`, `[2001:db8::1]:5678` or a bare IPv6 address.
fn node_ip(node: String) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse::<Ipv6Addr>().ok().map(|ip| canonical(IpAddr::V6(ip)));
    }
    let (address, _port) = node.rsplit_once(':')?;
    address.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn scheme(value: String) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    matches!(lower.as_str(), "http" | "https").then_some(lower)
}

/// A host name or address with an optional port, nothing else (no path, no credentials).
fn host(value: String) -> Option<String> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']');
    (!value.is_empty() && value.len() <= 255 && value.bytes().all(allowed)).then(|| value.to_ascii_lowercase())
}

/// How the API's own absolute URLs begin (feed self links): `PUBLIC_API_URL` when set, else
/// what a trusted proxy says the client asked for, else the address the server listens on.
#[derive(Debug, Clone, Default)]
pub struct ApiOrigin {
    pub configured: Option<String>,
    pub trusted: TrustedProxies,
}

impl ApiOrigin {
    /// The origin a trusted proxy named, when nothing is configured: answers that contain it
    /// differ by it (the response cache keys them apart).
    pub fn forwarded(&self, req: &HttpRequest) -> Option<String> {
        if self.configured.is_some() || self.trusted.0.is_empty() {
            return None;
        }
        let seen = client(req.head(), req.peer_addr().map(|addr| addr.ip()), &self.trusted);
        match (seen.scheme, seen.host) {
            (None, None) => None,
            (scheme, host) => Some(format!(
                "{}://{}",
                scheme.as_deref().unwrap_or("http"),
                host.unwrap_or_else(|| listening_host(req))
            )),
        }
    }

    /// The absolute URL of `path` on this API.
    pub fn url(&self, req: &HttpRequest, path: &str) -> String {
        let base = match &self.configured {
            Some(configured) => configured.clone(),
            None => self.forwarded(req).unwrap_or_else(|| format!("http://{}", listening_host(req))),
        };
        format!("{base}{path}")
    }
}

/// The address this server listens on, naming loopback when it listens on every interface.
fn listening_host(req: &HttpRequest) -> String {
    let local = req.app_config().local_addr();
    match local.ip() {
        ip if ip.is_unspecified() => format!("localhost:{}", local.port()),
        _ => local.to_string(),
    }
}

/// The app's `ApiOrigin`, from a request.
pub fn api_url(req: &HttpRequest, path: &str) -> String {
    match req.app_data::<Data<ApiOrigin>>() {
        Some(origin) => origin.url(req, path),
        None => format!("http://{}{path}", listening_host(req)),
    }
}

/// The client of a request, with the app's trusted proxies.
pub fn client_of(req: &HttpRequest) -> Client {
    let trusted = req.app_data::<Data<ApiOrigin>>().map(|origin| &origin.trusted);
    let peer = req.peer_addr().map(|addr| addr.ip());
    match trusted {
        Some(trusted) => client(req.head(), peer, trusted),
        None => client(req.head(), peer, &TrustedProxies::default()),
    }
}

/// The client's address as a rate-limit key: an IPv6 client is its /64, since one host
/// usually holds a whole /64 and could otherwise rotate through it.
pub fn rate_limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn head(headers: &[(&str, &str)]) -> RequestHead {
        let mut req = TestRequest::default();
        for (name, value) in headers {
            req = req.append_header((*name, *value));
        }
        req.to_http_request().head().clone()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_contain_what_they_should() {
        let block = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(block.contains(ip("10.255.0.1")));
        assert!(block.contains(ip("::ffff:10.1.1.1")));
        assert!(!block.contains(ip("11.0.0.1")));
        assert!(Cidr::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        assert!(!Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.2")));
        for bad in ["10.0.0.0/33", "nope", "::/129", "10.0.0.0/x"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_peers() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let spoofed = head(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-host", "evil.example")]);
        let direct = client(&spoofed, Some(ip("203.0.113.9")), &trusted);
        assert_eq!(direct, Client { ip: ip("203.0.113.9"), scheme: None, host: None });
        let none = client(&spoofed, Some(ip("10.0.0.2")), &TrustedProxies::default());
        assert_eq!(none.ip, ip("10.0.0.2"));
        assert_eq!(none.host, None);
    }

    #[test]
    fn the_client_is_the_nearest_untrusted_hop() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.0.1").unwrap();
        // A client that prepends its own X-Forwarded-For cannot choose its address.
        let h = head(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.7"),
            ("x-forwarded-for", "10.1.1.1"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "api.clinic.example"),
        ]);
        let seen = client(&h, Some(ip("192.168.0.1")), &trusted);
        assert_eq!(seen.ip, ip("198.51.100.7"));
        assert_eq!(seen.scheme.as_deref(), Some("https"));
        assert_eq!(seen.host.as_deref(), Some("api.clinic.example"));

        let h = head(&[("forwarded", r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https;host=api.example"#)]);
        let seen = client(&h, Some(ip("10.0.0.5")), &trusted);
        assert_eq!(seen.ip, ip("2001:db8:cafe::17"));
        assert_eq!(seen.host.as_deref(), Some("api.example"));

        let h = head(&[("x-forwarded-for", "garbage"), ("x-forwarded-host", "a/b@c")]);
        let seen = client(&h, Some(ip("10.0.0.5")), &trusted);
        assert_eq!(seen.ip, ip("10.0.0.5"), "an unreadable hop leaves the peer");
        assert_eq!(seen.host, None, "a host with a path is ignored");
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        assert_eq!(rate_limit_key(ip("2001:db8:1:2:aaaa::1")), rate_limit_key(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(rate_limit_key(ip("2001:db8:1:2::1")), rate_limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(rate_limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
