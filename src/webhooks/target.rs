//! Where deliveries may go: http(s) URLs only, and by default never to loopback, private,
//! link-local or otherwise internal addresses (SSRF protection). The check runs when a
//! subscription is saved (literal addresses and `localhost`) and again on every delivery
//! against the addresses the host name resolves to at that moment, and the connection is made
//! to exactly the address that was checked, so DNS rebinding cannot slip through.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

use actix_web::http::Uri;

pub const MAX_URL_LENGTH: usize = 2000;

/// A target URL that parsed and passed the static checks.
#[derive(Debug, Clone)]
pub struct Target {
    pub uri: Uri,
    pub host: String,
    pub port: u16,
}

/// Parses and checks a target URL; the message says what is wrong.
pub fn parse(url: &str, allow_private: bool) -> Result<Target, String> {
    if url.len() > MAX_URL_LENGTH {
        return Err(format!("must be at most {MAX_URL_LENGTH} characters"));
    }
    if url.contains(char::is_whitespace) || url.contains('@') || url.contains('#') {
        return Err("must be a plain http(s) URL, without spaces, credentials or a fragment".into());
    }
    let uri: Uri = url.parse().map_err(|_| "is not a valid URL".to_string())?;
    let port = match uri.scheme_str() {
        Some("https") => 443,
        Some("http") => 80,
        _ => return Err("must start with https:// or http://".into()),
    };
    let host = uri.host().filter(|host| !host.is_empty()).ok_or("has no host")?.to_string();
    let port = uri.port_u16().unwrap_or(port);
    if !allow_private {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let lower = bare.to_ascii_lowercase();
        if lower == "localhost" || lower.ends_with(".localhost") || lower.ends_with(".internal") {
            return Err("points at this machine or an internal network, which is not allowed".into());
        }
        if let Ok(ip) = bare.parse::<IpAddr>() {
            if !is_public(ip) {
                return Err(format!("points at a private or reserved address ({ip}), which is not allowed"));
            }
        }
    }
    Ok(Target { uri, host, port })
}

/// Resolves the target now and picks an address deliveries may connect to (blocking: call it
/// off the async threads).
pub fn resolve(target: &Target, allow_private: bool) -> Result<SocketAddr, String> {
    let bare = target.host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> =
        (bare, target.port).to_socket_addrs().map_err(|error| format!("cannot resolve {bare}: {error}"))?.collect();
    let first = addresses.first().copied().ok_or_else(|| format!("{bare} has no address"))?;
    if allow_private {
        return Ok(first);
    }
    addresses
        .into_iter()
        .find(|address| is_public(address.ip()))
        // Not the address itself: the admin would learn what internal names resolve to.
        .ok_or_else(|| format!("refused: {bare} resolves to a private or reserved address"))
}

/// Whether an address is on the public internet (not loopback, private, link-local, shared,
/// multicast, documentation, benchmarking or reserved). An IPv6 address that carries an IPv4
/// one (mapped, NAT64, 6to4) is judged by the IPv4 address; otherwise only global unicast
/// (2000::/3) outside its special-purpose blocks is public.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let segments = v6.segments();
            let embedded = |high: u16, low: u16| {
                let [a, b] = high.to_be_bytes();
                let [c, d] = low.to_be_bytes();
                Ipv4Addr::new(a, b, c, d)
            };
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(embedded(segments[6], segments[7]));
            }
            // 6to4 (2002::/16) carries one in bits 16 to 48.
            if segments[0] == 0x2002 {
                return is_public_v4(embedded(segments[1], segments[2]));
            }
            let global_unicast = (segments[0] & 0xe000) == 0x2000;
            global_unicast
                && !(segments[0] == 0x2001 && segments[1] < 0x0200) // 2001::/23: Teredo, benchmarking, ORCHID...
                && !(segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
                && (segments[0] & 0xfff0) != 0x3ff0 // 3fff::/20: documentation
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            // IPv4 inside IPv6: compatible, local-use NAT64, 6to4, Teredo.
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "64:ff9b:1::a00:1",
            "64:ff9b:1::808:808",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1",
            "3fff::1",
            "100::1",
            "ff02::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in
            ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1", "2a00:1450::1"]
        {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_refusal_does_not_say_where_a_name_points() {
        let target = Target { uri: "http://localhost/".parse().unwrap(), host: "localhost".into(), port: 80 };
        let refused = resolve(&target, false).unwrap_err();
        assert!(refused.contains("private or reserved"), "{refused}");
        assert!(!refused.contains("127.0.0.1") && !refused.contains("::1"), "{refused}");
        for literal in ["http://[::127.0.0.1]/", "http://[2002:7f00:1::1]/", "http://[64:ff9b:1::a00:1]/"] {
            assert!(parse(literal, false).is_err(), "{literal}");
        }
    }

    #[test]
    fn urls_are_checked() {
        assert!(parse("https://example.com/hooks/build", false).is_ok());
        assert_eq!(parse("http://example.com:8443/x", false).unwrap().port, 8443);
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "https://",
            "https://user:pw@example.com/",
            "https://example.com/#x",
            "http://localhost:3000/",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "http://[::1]:8080/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/",
        ] {
            assert!(parse(bad, false).is_err(), "{bad}");
        }
        assert!(parse("http://127.0.0.1:9000/hook", true).is_ok());
    }
}
