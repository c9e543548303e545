//! The tenant IP allow-list (docs/security.md): the networks an administrator writes — CIDR
//! notation or a single address — and the test every request and sign-in passes through.
//! Pure functions; the platform crate re-exports them (`platform::access`).

use std::net::IpAddr;

use ipnet::Ipv4Net;
pub use ipnet::IpNet;

/// A network as an administrator writes it: CIDR notation (`203.0.113.0/24`,
/// `2001:db8::/32`; host bits are cleared, so `203.0.113.7/24` is `203.0.113.0/24`) or a
/// single address (a /32 or /128 network). Surrounding blanks are ignored; anything else is
/// `None`. An IPv4-mapped IPv6 network (`::ffff:203.0.113.7`, `::ffff:203.0.113.0/120`) is
/// the IPv4 network it carries, as [`ip_allowed`] judges such addresses as IPv4.
pub fn parse_network(s: &str) -> Option<IpNet> {
    let s = s.trim();
    let net = if s.contains('/') { s.parse::<IpNet>().ok()?.trunc() } else { IpNet::from(s.parse::<IpAddr>().ok()?) };
    Some(unmapped(net))
}

/// The IPv4 network an IPv4-mapped IPv6 network (prefix /96 or longer under `::ffff:0:0`)
/// stands for; any other network as it is.
fn unmapped(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => v6
            .network()
            .to_ipv4_mapped()
            .and_then(|v4| Ipv4Net::new(v4, v6.prefix_len() - 96).ok())
            .map_or(net, IpNet::V4),
        _ => net,
    }
}

/// Whether `ip` may call for a tenant with this allow-list (an empty list admits everyone;
/// an unknown address is admitted only by an empty list). An IPv4-mapped IPv6 address
/// (`::ffff:203.0.113.7`, as a dual-stack socket reports an IPv4 caller) is judged as the
/// IPv4 address it carries, as API Gateway reports it: only IPv4 networks admit it, never an
/// IPv6 network that happens to span the mapped block (`::/80`).
pub fn ip_allowed(allow: &[IpNet], ip: Option<IpAddr>) -> bool {
    if allow.is_empty() {
        return true;
    }
    let Some(ip) = ip else { return false };
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    // Lists saved before mapped networks were read as IPv4 may still hold one.
    allow.iter().any(|net| unmapped(*net).contains(&ip))
}

/// The first and last address of a network that a caller in it could present: an IPv6
/// network's IPv4-mapped addresses are IPv4 callers ([`ip_allowed`]) and are left out. For
/// tests and fuzzing.
pub fn edges(net: &IpNet) -> impl Iterator<Item = IpAddr> {
    [net.network(), net.broadcast()].into_iter().filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        parse_network(s).unwrap_or_else(|| panic!("{s} is a network"))
    }

    #[test]
    fn networks_as_administrators_write_them() {
        assert_eq!(net("203.0.113.0/24").to_string(), "203.0.113.0/24");
        assert_eq!(net(" 203.0.113.7/24 ").to_string(), "203.0.113.0/24", "host bits cleared, blanks ignored");
        assert_eq!(net("198.51.100.9").to_string(), "198.51.100.9/32");
        assert_eq!(net("2001:db8::1").to_string(), "2001:db8::1/128");
        assert_eq!(net("2001:db8:1:2::/32").to_string(), "2001:db8::/32");
        assert_eq!(net("::ffff:203.0.113.7").to_string(), "203.0.113.7/32", "IPv4-mapped: the IPv4 address");
        assert_eq!(net("::ffff:203.0.113.0/120").to_string(), "203.0.113.0/24");
        assert_eq!(net("::ffff:0:0/95").to_string(), "::fffe:0:0/95", "wider than the mapped block: stays IPv6");
        for bad in ["", "/", "203.0.113.0/33", "2001:db8::/129", "203.0.113", "10.0.0.0/8/8", "example.com", "10.0.0.0/-1", "10.0.0.0/ 8"] {
            assert_eq!(parse_network(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn empty_list_admits_everyone_and_unknown_addresses_only_then() {
        assert!(ip_allowed(&[], None));
        assert!(ip_allowed(&[], Some("192.0.2.1".parse().unwrap())));
        assert!(!ip_allowed(&[net("10.0.0.0/8")], None));
    }

    #[test]
    fn addresses_inside_and_outside() {
        let list = [net("10.0.0.0/8"), net("2001:db8::/32")];
        assert!(ip_allowed(&list, Some("10.1.2.3".parse().unwrap())));
        assert!(!ip_allowed(&list, Some("11.0.0.1".parse().unwrap())));
        assert!(ip_allowed(&list, Some("2001:db8::5".parse().unwrap())));
        assert!(!ip_allowed(&list, Some("2001:db9::5".parse().unwrap())));
        assert!(ip_allowed(&list, Some("::ffff:10.9.9.9".parse().unwrap())), "IPv4-mapped IPv6 is judged as IPv4");
        assert!(!ip_allowed(&list, Some("::ffff:11.9.9.9".parse().unwrap())));
        // A mapped address written into the list admits the IPv4 caller it stands for (it
        // used to be a /128 IPv6 network that no caller, judged as IPv4, could fall in).
        let mapped = [net("::ffff:71.0.0.1")];
        assert!(ip_allowed(&mapped, Some("71.0.0.1".parse().unwrap())));
        assert!(ip_allowed(&mapped, Some("::ffff:71.0.0.1".parse().unwrap())));
        assert!(!ip_allowed(&mapped, Some("71.0.0.2".parse().unwrap())));
        let saved: [IpNet; 1] = ["::ffff:71.0.0.1/128".parse().unwrap()];
        assert!(ip_allowed(&saved, Some("71.0.0.1".parse().unwrap())), "a list saved with the IPv6 form");
        // An IPv6 network spanning the mapped block admits no IPv4 caller.
        let wide = [net("::/80")];
        assert!(!ip_allowed(&wide, Some("255.255.255.255".parse().unwrap())));
        assert!(!ip_allowed(&wide, Some("::ffff:255.255.255.255".parse().unwrap())));
        assert!(ip_allowed(&wide, Some("::1".parse().unwrap())));
        assert_eq!(edges(&wide[0]).collect::<Vec<_>>(), ["::".parse::<IpAddr>().unwrap()]);
    }

    proptest::proptest! {
        /// Whatever text comes in: no panic, and a network that parses prints in a form that
        /// parses back to itself and admits its own first address.
        #[test]
        fn any_text(s in "\\PC{0,48}") {
            if let Some(n) = parse_network(&s) {
                proptest::prop_assert_eq!(parse_network(&n.to_string()), Some(n));
                for ip in edges(&n) {
                    proptest::prop_assert!(ip_allowed(&[n], Some(ip)));
                }
            }
        }
    }
}
