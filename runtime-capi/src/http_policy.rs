//! Which outgoing HTTP requests a function may make: its allow-list of
//! origins (scheme, host, port; `*.example.com` matches any subdomain) and
//! the addresses no request may reach whatever the allow-list says
//! (link-local and cloud metadata endpoints). Pure functions, no I/O.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One allowed origin, e.g. `https://*.example.com:443`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedOrigin {
    scheme: String,
    // Lower case; a leading "*." matches one or more labels before the rest.
    host: String,
    port: u16,
}

/// The port a scheme implies when a URL names none.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedOrigin {
    /// Parses `scheme://host[:port]` (the C++ side has validated it already;
    /// anything else gives None and allows nothing).
    pub fn parse(origin: &str) -> Option<AllowedOrigin> {
        let (scheme, rest) = origin.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                match port.parse::<u16>() {
                    Ok(port) => (host, port),
                    Err(_) => (rest, default_port(&scheme)?),
                }
            }
            _ => (rest, default_port(&scheme)?),
        };
        // An IPv6 literal is compared without its brackets, as requests are.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return None;
        }
        Some(AllowedOrigin { scheme, host: host.to_ascii_lowercase(), port })
    }

    /// Whether a request to `scheme://host:port` is allowed by this origin.
    pub fn matches(&self, scheme: &str, host: &str, port: u16) -> bool {
        if !self.scheme.eq_ignore_ascii_case(scheme) || self.port != port {
            return false;
        }
        let host = host.to_ascii_lowercase();
        match self.host.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1
                    && host.ends_with(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
            None => self.host == host,
        }
    }
}

/// Whether any origin of `allowed` lets a request to `scheme://host:port` out.
pub fn is_allowed(allowed: &[AllowedOrigin], scheme: &str, host: &str, port: u16) -> bool {
    allowed.iter().any(|origin| origin.matches(scheme, host, port))
}

const AWS_IPV6_METADATA: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    // 169.254.0.0/16: link-local, home of 169.254.169.254 (AWS, GCP, Azure
    // metadata) and 169.254.170.2 (ECS credentials).
    ip.is_link_local()
}

/// Whether no request may reach `ip`, whatever the allow-list says:
/// 169.254.0.0/16, fe80::/10, fd00:ec2::254, and IPv4-mapped forms of them.
pub fn is_forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_v4(v4);
            }
            v6 == AWS_IPV6_METADATA || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_subdomains_only() {
        let origin = AllowedOrigin::parse("https://*.example.com").unwrap();
        assert!(origin.matches("https", "a.example.com", 443));
        assert!(origin.matches("https", "a.b.EXAMPLE.com", 443));
        assert!(!origin.matches("https", "example.com", 443));
        assert!(!origin.matches("https", "evilexample.com", 443));
        assert!(!origin.matches("http", "a.example.com", 443));
        assert!(!origin.matches("https", "a.example.com", 8443));
    }

    #[test]
    fn ipv6_literals_match_without_brackets() {
        let origin = AllowedOrigin::parse("http://[fd00:ec2::254]:80").unwrap();
        assert!(origin.matches("http", "fd00:ec2::254", 80));
    }

    #[test]
    fn forbidden_addresses() {
        assert!(is_forbidden_address("169.254.169.254".parse().unwrap()));
        assert!(is_forbidden_address("fd00:ec2::254".parse().unwrap()));
        assert!(is_forbidden_address("::ffff:169.254.169.254".parse().unwrap()));
        assert!(is_forbidden_address("fe80::1".parse().unwrap()));
        assert!(!is_forbidden_address("127.0.0.1".parse().unwrap()));
    }
}
