//! Where a visitor is: the country and city of an IP address, from a MaxMind-format
//! database (GeoIP2 or GeoLite2 City, or a Country one for countries only) whose path the
//! operator sets in `PORTHOLE_GEOIP_DB`. Without it the feature is off and nobody has a
//! location.
//!
//! The file is read into memory once at start and checked whole (`Reader::verify`), so a
//! corrupt file stops the start with its path named instead of failing lookups later. A
//! memory map would share the page cache, but opening one is `unsafe` in the crate (the
//! file must not change underneath) and this crate forbids `unsafe`; GeoLite2 City costs
//! about its file size (~60 MB) of memory. A new file takes effect at the next start.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maxminddb::{MaxMindDbError, Reader, geoip2};

/// Longest city name kept (the longest real ones are about 60 characters); the database is
/// the operator's, but a row should not grow with whatever a file holds.
const MAX_CITY_CHARS: usize = 100;

/// A place as coarse as Porthole keeps: a country and, when known, its city.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// ISO 3166-1 alpha-2 code, upper case (`DE`).
    pub country_code: String,
    /// The city's English name (`Berlin`), or empty when only the country is known.
    pub city: String,
}

/// The location database could not be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the location database {path} (PORTHOLE_GEOIP_DB): {source}")]
pub struct GeoError {
    /// The file named by the setting.
    pub path: PathBuf,
    /// What went wrong reading or checking it.
    #[source]
    pub source: MaxMindDbError,
}

/// Looks addresses up; cheap to clone (the database is shared).
#[derive(Clone, Default)]
pub struct Geo {
    reader: Option<Arc<Reader<Vec<u8>>>>,
}

impl std::fmt::Debug for Geo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reader {
            Some(reader) => write!(f, "Geo({})", reader.metadata().database_type),
            None => f.write_str("Geo(off)"),
        }
    }
}

impl Geo {
    /// No database: every lookup answers `None`.
    pub fn off() -> Self {
        Self::default()
    }

    /// Reads the database at `path` and checks all of it. Blocking (it reads and walks the
    /// whole file): call it from a blocking task.
    pub fn open(path: &Path) -> Result<Self, GeoError> {
        let fail = |source| GeoError { path: path.to_owned(), source };
        let reader = Reader::open_readfile(path).map_err(fail)?;
        reader.verify().map_err(fail)?;
        Ok(Self { reader: Some(Arc::new(reader)) })
    }

    /// Whether a database is loaded.
    pub fn is_on(&self) -> bool {
        self.reader.is_some()
    }

    /// The database's type as its metadata names it (`GeoLite2-City`), when one is loaded.
    pub fn database_type(&self) -> Option<&str> {
        self.reader.as_ref().map(|r| r.metadata().database_type.as_str())
    }

    /// Where `ip` is, if the database knows its country. Private, loopback and other
    /// non-public addresses are not looked up (a visitor behind an untrusted proxy on the
    /// same network has no location, rather than the proxy's).
    pub fn locate(&self, ip: IpAddr) -> Option<Location> {
        let reader = self.reader.as_ref()?;
        // `::ffff:203.0.113.5` (a dual-stack listener's IPv4 peer) is the IPv4 address.
        let ip = ip.to_canonical();
        if !is_public(ip) {
            return None;
        }
        let record = match reader.lookup(ip).and_then(|found| found.decode::<geoip2::City>()) {
            Ok(record) => record?,
            Err(error) => {
                // The file was verified at start, so this is a record of an unexpected
                // shape (another kind of database): no location.
                tracing::debug!(%error, %ip, "location lookup failed");
                return None;
            }
        };
        let country_code =
            record.country.iso_code.filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))?;
        let city = record
            .city
            .names
            .english
            .filter(|name| !name.chars().any(char::is_control))
            .map(|name| name.chars().take(MAX_CITY_CHARS).collect())
            .unwrap_or_default();
        Some(Location { country_code: country_code.to_ascii_uppercase(), city })
    }
}

/// Whether `ip` may be somewhere on a map: not private, loopback, link-local, shared
/// (carrier-grade NAT), multicast or unspecified. Documentation ranges pass: real
/// databases do not list them, and the test database does.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || shared)
        }
        IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database `server/tests/fixtures/geo/make.py` writes.
    fn test_db() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geo/test-city.mmdb")
    }

    fn locate(geo: &Geo, ip: &str) -> Option<Location> {
        geo.locate(ip.parse().unwrap())
    }

    fn at(country_code: &str, city: &str) -> Option<Location> {
        Some(Location { country_code: country_code.into(), city: city.into() })
    }

    #[test]
    fn addresses_in_the_database_have_its_country_and_english_city() {
        let geo = Geo::open(&test_db()).unwrap();
        assert!(geo.is_on());
        assert_eq!(geo.database_type(), Some("Porthole-Test-City"));
        assert_eq!(locate(&geo, "203.0.113.7"), at("DE", "Berlin"));
        assert_eq!(locate(&geo, "198.51.100.200"), at("FR", "Paris"));
        assert_eq!(locate(&geo, "2001:db8::1"), at("PT", "Lisbon"));
        // The IPv4-mapped form of an address is that address.
        assert_eq!(locate(&geo, "::ffff:203.0.113.7"), at("DE", "Berlin"));
        // A network the database knows only the country of.
        assert_eq!(locate(&geo, "192.0.2.1"), at("JP", ""));
    }

    #[test]
    fn unknown_and_private_addresses_have_no_location() {
        let geo = Geo::open(&test_db()).unwrap();
        assert_eq!(locate(&geo, "8.8.8.8"), None, "not in the database");
        assert_eq!(locate(&geo, "2001:db9::1"), None, "not in the database");
        // The test database maps 10.0.0.0/8 to Oslo: these are never even looked up.
        assert_eq!(locate(&geo, "10.1.2.3"), None);
        for ip in ["127.0.0.1", "192.168.1.1", "172.16.0.1", "169.254.1.1", "100.64.0.1", "::1", "fd00::1", "fe80::1"] {
            assert_eq!(locate(&geo, ip), None, "{ip}");
        }
    }

    #[test]
    fn off_locates_nothing() {
        let geo = Geo::off();
        assert!(!geo.is_on());
        assert_eq!(locate(&geo, "203.0.113.7"), None);
    }

    #[test]
    fn a_missing_or_corrupt_file_is_an_error_naming_it() {
        let missing = Path::new("/nonexistent/GeoLite2-City.mmdb");
        let error = Geo::open(missing).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/GeoLite2-City.mmdb"), "{error}");

        let dir = std::env::temp_dir().join(crate::ids::unique("porthole-geo-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let garbage = dir.join("garbage.mmdb");
        std::fs::write(&garbage, b"not a MaxMind database at all").unwrap();
        let error = Geo::open(&garbage).unwrap_err();
        assert!(error.to_string().contains("garbage.mmdb"), "{error}");

        // The real file cut short: the metadata (at the end) is gone.
        let bytes = std::fs::read(test_db()).unwrap();
        let truncated = dir.join("truncated.mmdb");
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        assert!(Geo::open(&truncated).is_err());

        // The real file with its search tree overwritten: the metadata still reads, so only
        // the whole-file check can refuse it.
        let mut damaged = bytes.clone();
        damaged[..64].fill(0xff);
        let corrupt = dir.join("corrupt.mmdb");
        std::fs::write(&corrupt, &damaged).unwrap();
        let error = Geo::open(&corrupt).unwrap_err();
        assert!(error.to_string().contains("corrupt.mmdb"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
