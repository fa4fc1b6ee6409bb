//! Who is calling, on the network: the TCP peer, or — when the peer is a proxy the operator
//! trusts — the client its `Forwarded` or `X-Forwarded-For` header names. Rate limits and
//! visitors' recorded addresses use this address.
//!
//! Forwarding headers are written by every hop, and a client can send any value it likes
//! as the first ones; only hops appended by trusted proxies are believed. So the client is
//! the right-most address that is not a trusted proxy.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// Addresses and ranges of the reverse proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// Parses comma-separated addresses and CIDR ranges (`10.0.0.0/8,127.0.0.1,::1`); an
/// address alone is a range of one.
pub fn parse_networks(text: &str) -> Result<Vec<IpNet>, String> {
    let mut nets = Vec::new();
    for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        let net = match item.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => match item.parse::<IpAddr>() {
                Ok(ip) => IpNet::from(ip),
                Err(_) => {
                    return Err(format!("{item:?} is neither an IP address nor a CIDR range like 10.0.0.0/8"));
                }
            },
        };
        nets.push(net);
    }
    Ok(nets)
}

impl TrustedProxies {
    /// Parses `10.0.0.0/8,127.0.0.1,::1`; empty trusts nobody.
    pub fn parse(text: &str) -> Result<Self, String> {
        parse_networks(text).map(Self)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, given the request's headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let hops = forwarded_hops(headers);
        // From the nearest hop outwards: the first address a trusted proxy did not write is
        // the client. A hop that is not an address ("unknown", garbage) ends the walk: the
        // proxy that reported it is the last thing known.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = *ip;
                    if !self.trusts(*ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        canonical(client)
    }
}

/// IPv4 addresses that arrive mapped into IPv6 (`::ffff:1.2.3.4`) count as IPv4, so that
/// limits and ranges see one address, however the socket was bound.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The hops of `Forwarded` (RFC 7239 `for=`) if present, else of `X-Forwarded-For`, nearest
/// last; `None` for a hop that names no address.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| parse_hop(value))
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(parse_hop)
        .collect()
}

/// One hop: `1.2.3.4`, `1.2.3.4:5678`, `"[2001:db8::1]:80"`, `2001:db8::1`.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    let inner = text.strip_prefix('[')?.split(']').next()?;
    inner.parse().ok()
}

/// The client's address, as the request extension every handler reads.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// Middleware: records [`ClientIp`] on the request, from the TCP peer and trusted headers.
pub async fn record(State(proxies): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = proxies.client(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_send() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "1.1.1.1")]);
        assert_eq!(proxies.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        assert_eq!(TrustedProxies::default().client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        // The client forged the first entry; the real one was appended by our proxies.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.4, 192.0.2.7")]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("198.51.100.4"));
        // Several header lines are one list.
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.4")]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("198.51.100.4"));
        // Nothing but trusted hops: the outermost is as far as anyone knows.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 192.0.2.7")]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("10.9.9.9"));
        // No header: the proxy itself.
        assert_eq!(proxies.client(ip("10.1.2.3"), &HeaderMap::new()), ip("10.1.2.3"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_may_carry_ports() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\""),
        ]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("x-forwarded-for", "198.51.100.4:3456")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &h), ip("198.51.100.4"));
    }

    #[test]
    fn a_hop_that_is_no_address_stops_at_the_proxy_that_wrote_it() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "1.1.1.1, unknown, 10.0.0.5")]);
        assert_eq!(proxies.client(ip("10.0.0.9"), &h), ip("10.0.0.5"));
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(proxies.client(ip("10.0.0.9"), &h), ip("10.0.0.9"));
    }

    #[test]
    fn mapped_ipv4_counts_as_ipv4() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &headers(&[("x-forwarded-for", "::ffff:1.2.3.4")])),
            ip("1.2.3.4")
        );
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let err = TrustedProxies::parse("10.0.0.0/8, proxy.internal").unwrap_err();
        assert!(err.contains("proxy.internal"), "{err}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::default());
    }
}
