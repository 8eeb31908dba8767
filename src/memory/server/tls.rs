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

/// The certificates of the PEM file `path` (or, for `system`, the system's bundle).
fn roots(path: &Path) -> Result<RootCertStore, String> {
    let path = if path == Path::new("system") { system_bundle() } else { path.to_path_buf() };
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read the root certificate {}: {e}", path.display()))?;
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
        store
            .add(cert)
            .map_err(|e| format!("{} holds a certificate tolk cannot use: {e}", path.display()))?;
    }
    if store.is_empty() {
        return Err(format!("{} holds no certificate", path.display()));
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
    let config = match verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
            .with_no_client_auth(),
        Verify::Chain | Verify::Full => {
            let Some(root) = root.filter(|_| have_root) else {
                return Err(format!(
                    "sslmode={} needs the root certificate of the server's certificate: put it in \
                     ~/.postgresql/root.crt, or name it with sslrootcert=FILE (sslrootcert=system for the \
                     system's authorities)",
                    if mode == Mode::VerifyFull { "verify-full" } else { "verify-ca" }
                ));
            };
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(root)?), provider)
                .build()
                .map_err(|e| e.to_string())?;
            let verifier: Arc<dyn ServerCertVerifier> =
                if verify == Verify::Full { webpki } else { Arc::new(AnyName(webpki)) };
            builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth()
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

/// Accepts any certificate, but still checks the handshake's signatures: what libpq's
/// `require` (without a root certificate) and `prefer` do.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks the chain as `verify-ca` does, whatever name the certificate gives.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
