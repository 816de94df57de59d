//! HTTPS for the simulated device: a self-signed certificate made with rcgen (ring backend),
//! replaceable at run time so a client's certificate pinning can be tested.

use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

/// Why a certificate could not be made or loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// rcgen could not generate the key or the certificate.
    #[error("devsim could not generate a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the generated certificate or key.
    #[error("devsim could not load its certificate into rustls: {0}")]
    Load(#[from] rustls::Error),
}

/// The certificate in force and the TLS settings built on it.
struct Current {
    pem: String,
    der: Vec<u8>,
    config: Arc<ServerConfig>,
}

/// The device's certificate; new connections use whichever is current when they arrive.
pub(crate) struct CertStore {
    ip: IpAddr,
    model: String,
    current: RwLock<Current>,
}

impl std::fmt::Debug for CertStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertStore").field("ip", &self.ip).finish()
    }
}

impl CertStore {
    /// A fresh self-signed certificate for `ip` (and `localhost`), named after the model.
    pub fn new(ip: IpAddr, model: &str) -> Result<Self, TlsError> {
        let current = generate(ip, model)?;
        Ok(CertStore {
            ip,
            model: model.to_owned(),
            current: RwLock::new(current),
        })
    }

    /// Replaces the certificate (new key too), as re-installing one on a device does.
    pub fn replace(&self) -> Result<String, TlsError> {
        let fresh = generate(self.ip, &self.model)?;
        let pem = fresh.pem.clone();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(pem)
    }

    /// The current certificate, PEM-encoded.
    pub fn pem(&self) -> String {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .pem
            .clone()
    }

    /// The current certificate, DER-encoded (what a pin is computed over).
    pub fn der(&self) -> Vec<u8> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .der
            .clone()
    }

    /// The TLS settings for a connection arriving now.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .config
            .clone()
    }
}

fn generate(ip: IpAddr, model: &str) -> Result<Current, TlsError> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec![ip.to_string(), "localhost".to_owned()])?;
    // Devices name their certificate after their address; the model helps a person tell them apart.
    params
        .distinguished_name
        .push(DnType::CommonName, ip.to_string());
    params
        .distinguished_name
        .push(DnType::OrganizationalUnitName, model);
    let cert = params.self_signed(&key)?;
    let der = cert.der().to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
    Ok(Current {
        pem: cert.pem(),
        der,
        config: Arc::new(config),
    })
}
