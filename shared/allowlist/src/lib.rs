//! The tenant IP allow-list (docs/security.md): the networks an administrator writes — CIDR
//! notation or a single address — and the test every request and sign-in passes through.
//! Pure functions; the platform crate re-exports them (`platform::access`).

use std::net::IpAddr;

pub use ipnet::IpNet;

/// A network as an administrator writes it: CIDR notation (`203.0.113.0/24`,
/// `2001:db8::/32`; host bits are cleared, so `203.0.113.7/24` is `203.0.113.0/24`) or a
/// single address (a /32 or /128 network). Surrounding blanks are ignored; anything else is
/// `None`.
pub fn parse_network(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if s.contains('/') {
        s.parse::<IpNet>().ok().map(|n| n.trunc())
    } else {
        s.parse::<IpAddr>().ok().map(IpNet::from)
    }
}

/// Whether `ip` may call for a tenant with this allow-list (an empty list admits everyone;
/// an unknown address is admitted only by an empty list). An IPv4-mapped IPv6 address
/// (`::ffff:203.0.113.7`) is judged as the IPv4 address it carries.
pub fn ip_allowed(allow: &[IpNet], ip: Option<IpAddr>) -> bool {
    if allow.is_empty() {
        return true;
    }
    let Some(ip) = ip else { return false };
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    allow.iter().any(|net| net.contains(&ip))
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
    }

    proptest::proptest! {
        /// Whatever text comes in: no panic, and a network that parses prints in a form that
        /// parses back to itself and admits its own first address.
        #[test]
        fn any_text(s in "\\PC{0,48}") {
            if let Some(n) = parse_network(&s) {
                proptest::prop_assert_eq!(parse_network(&n.to_string()), Some(n));
                proptest::prop_assert!(ip_allowed(&[n], Some(n.network())));
            }
        }
    }
}
