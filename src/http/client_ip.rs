//! The client's IP: the socket peer, or — only when that peer is a trusted proxy — the
//! nearest untrusted address in `X-Forwarded-For`. Rotating that header from anywhere
//! else changes nothing, so it cannot be used to escape rate limits.

use std::net::IpAddr;

use rocket::request::{FromRequest, Outcome, Request};

use crate::config::{IpNet, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let trusted_ip = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !trusted_ip(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    // Walk from the right: the rightmost address not added by one of our proxies.
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted_ip(ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

pub fn of(req: &Request<'_>) -> IpAddr {
    let peer = req
        .remote()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let trusted = req
        .rocket()
        .state::<Settings>()
        .map(|s| s.trusted_proxies.as_slice())
        .unwrap_or(&[]);
    resolve(peer, req.headers().get_one("X-Forwarded-For"), trusted)
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(ClientIp(of(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_peers_cannot_spoof() {
        let peer: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(resolve(peer, Some("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn trusted_proxy_forwards_the_nearest_untrusted_hop() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let one = [IpNet::parse("10.0.0.1").expect("net")];
        let got = resolve(proxy, Some("6.6.6.6, 198.51.100.7, 10.0.0.1"), &one);
        assert_eq!(got, "198.51.100.7".parse::<IpAddr>().expect("ip"));
        assert_eq!(resolve(proxy, Some("garbage"), &one), proxy);
        // A block: every proxy in 10.0.0.0/8 is skipped.
        let block = [IpNet::parse("10.0.0.0/8").expect("net")];
        let got = resolve(proxy, Some("198.51.100.7, 10.9.9.9"), &block);
        assert_eq!(got, "198.51.100.7".parse::<IpAddr>().expect("ip"));
    }
}
