//! TLS to a server, as libpq's `sslmode` asks for it, through rustls (pure Rust, with
//! ring's primitives): `disable` never, `allow` and `prefer` when the server offers it
//! (without checking its certificate, as libpq), `require` always (its certificate
//! checked only when a root certificate is there, as libpq), `verify-ca` always with
//! the certificate's chain checked against the root certificate, `verify-full` also
//! with the server's name checked against it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// What is checked of the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Nothing: the connection is encrypted, not authenticated.
    Nothing,
    /// Its chain, up to the root certificate; not the name.
    Chain,
    /// Its chain and that it names the host connected to.
    Full,
}

/// libpq's `sslmode` values, as tolk reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    /// The mode named `text`, as libpq spells them.
    pub fn parse(text: &str) -> Option<Mode> {
        Some(match text {
            "disable" => Mode::Disable,
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            _ => return None,
        })
    }
}

/// Where the root certificate is: `sslrootcert` as given, else `~/.postgresql/root.crt`.
pub fn root_file(given: Option<&str>, home: Option<&Path>) -> Option<PathBuf> {
    match given {
        Some(path) => Some(PathBuf::from(path)),
        None => home.map(|h| h.join(".postgresql/root.crt")),
    }
}

/// The system's bundle of certificate authorities, for `sslrootcert=system`.
fn system_bundle() -> PathBuf {
    if let Some(file) = std::env::var_os("SSL_CERT_FILE") {
        return PathBuf::from(file);
    }
    let candidates =
        ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];
    candidates.iter().map(PathBuf::from).find(|p| p.is_file()).unwrap_or_else(|| PathBuf::from(candidates[0]))
}

/// The certificates of the PEM file `path` (or, for `system`, the system's bundle),
/// as DER.
fn root_certificates(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let path = if path == Path::new("system") { system_bundle() } else { path.to_path_buf() };
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read the root certificate {}: {e}", path.display()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .map(|cert| cert.map(|c| c.to_vec()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", path.display()));
    }
    Ok(certs)
}

/// `certs` (read from `path`) as trust anchors.
fn roots(certs: &[Vec<u8>], path: &Path) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    for cert in certs {
        store
            .add(CertificateDer::from(cert.as_slice()))
            .map_err(|e| format!("{} holds a certificate tolk cannot use: {e}", path.display()))?;
    }
    Ok(store)
}

/// The TLS connector for `mode`, with the root certificate at `root` (which must
/// exist for `verify-ca` and `verify-full`, and makes `require` check the chain when
/// it does, as in libpq).
pub fn connector(mode: Mode, root: Option<&Path>) -> Result<MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let have_root = root.is_some_and(|r| r == Path::new("system") || r.is_file());
    let verify = match mode {
        Mode::Disable | Mode::Prefer => Verify::Nothing,
        Mode::Require if have_root => Verify::Chain,
        Mode::Require => Verify::Nothing,
        Mode::VerifyCa => Verify::Chain,
        Mode::VerifyFull => Verify::Full,
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let chain = match verify {
        Verify::Nothing => None,
        Verify::Chain | Verify::Full => {
            let Some(root) = root.filter(|_| have_root) else {
                return Err(format!(
                    "sslmode={} needs the root certificate of the server's certificate: put it in \
                     ~/.postgresql/root.crt, or name it with sslrootcert=FILE (sslrootcert=system for the \
                     system's authorities)",
                    if mode == Mode::VerifyFull { "verify-full" } else { "verify-ca" }
                ));
            };
            Some(Chain::new(root, verify == Verify::Full, provider.clone())?)
        }
    };
    let verifier = Arc::new(Verifier { provider, chain });
    let config = builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// What is checked of the server's certificate, and the handshake's signatures always.
#[derive(Debug)]
struct Verifier {
    provider: Arc<CryptoProvider>,
    /// The chain to check; `None` takes any certificate, as libpq's `prefer` and
    /// `require` (without a root certificate) do.
    chain: Option<Chain>,
}

/// Checks the server's certificate as `verify-ca` (its chain) or `verify-full` (and
/// its name) do in libpq, which also takes a self-signed certificate that is itself
/// the root certificate (as PostgreSQL's documentation sets one up), where the
/// WebPKI rules refuse a certificate authority as a server's certificate.
#[derive(Debug)]
struct Chain {
    webpki: Arc<WebPkiServerVerifier>,
    /// The root certificates, as DER.
    anchors: Vec<Vec<u8>>,
    /// Whether the certificate must name the host.
    names: bool,
}

impl Chain {
    /// The chain up to the root certificates in `root`.
    fn new(root: &Path, names: bool, provider: Arc<CryptoProvider>) -> Result<Chain, String> {
        let anchors = root_certificates(root)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(&anchors, root)?), provider)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Chain { webpki, anchors, names })
    }

    fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name_error = |e: &rustls::Error| {
            matches!(
                e,
                rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
                )
            )
        };
        match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(e) if name_error(&e) && !self.names => Ok(ServerCertVerified::assertion()),
            Err(e) if self.anchors.iter().any(|a| a.as_slice() == end_entity.as_ref()) => {
                // The root certificate itself: trusted as given; its name still counts.
                if !self.names {
                    return Ok(ServerCertVerified::assertion());
                }
                let cert = webpki::EndEntityCert::try_from(end_entity).map_err(|_| e.clone())?;
                cert.verify_is_valid_for_subject_name(server_name)
                    .map(|_| ServerCertVerified::assertion())
                    .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::NotValidForName))
            }
            other => other,
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.chain {
            Some(chain) => chain.verify(end_entity, intermediates, server_name, ocsp, now),
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate for localhost, made with openssl, valid until 2126.
    const SELF_SIGNED: &str = "tests/data/tls/selfsigned-localhost.crt";

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SELF_SIGNED)
    }

    fn checker(names: bool) -> Chain {
        Chain::new(&root(), names, Arc::new(rustls::crypto::ring::default_provider())).unwrap()
    }

    fn check(chain: &Chain, name: &str) -> Result<ServerCertVerified, rustls::Error> {
        let cert = CertificateDer::from(root_certificates(&root()).unwrap().remove(0));
        let name = ServerName::try_from(name.to_string()).unwrap();
        chain.verify(&cert, &[], &name, &[], UnixTime::now())
    }

    #[test]
    fn a_self_signed_root_is_taken_as_libpq_takes_it() {
        // verify-full: the name must be the certificate's.
        assert!(check(&checker(true), "localhost").is_ok());
        assert!(check(&checker(true), "db.example").is_err());
        // verify-ca: any name.
        assert!(check(&checker(false), "db.example").is_ok());
        // Not the root certificate itself: the chain is checked, and fails.
        let other = Chain { anchors: vec![b"another".to_vec()], ..checker(false) };
        assert!(check(&other, "localhost").is_err());
    }

    #[test]
    fn modes_are_read_as_libpq_names_them() {
        assert_eq!(Mode::parse("allow"), Some(Mode::Prefer));
        assert_eq!(Mode::parse("verify-full"), Some(Mode::VerifyFull));
        assert_eq!(Mode::parse("full"), None);
        assert!(connector(Mode::VerifyCa, None).err().unwrap().contains("needs the root certificate"));
    }
}
