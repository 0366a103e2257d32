//! The parties outside the centre, over the wire: an HTTP/JSON client for
//! the registries' ports (`anju_app::registries`) and the simulator server
//! that speaks the same protocol (`anju simulate`; the demo starts it
//! in-process). The protocol is `wire`, documented in `docs/registries.md`.
//!
//! Plain HTTP to the data exchange's front-end processor (前置机) on the
//! government network; any TLS ends there.

pub mod bank;
pub mod client;
pub mod data;
pub mod messages;
pub mod server;
pub mod wire;

/// An endpoint's base URL (checked to be http(s), without a trailing
/// slash) and a client that gives up after `timeout`, shared by every
/// outside party's client.
fn endpoint(
    what: &str,
    base: &str,
    timeout: std::time::Duration,
) -> Result<(String, reqwest::Client), String> {
    let base = base.trim_end_matches('/').to_string();
    if !base.starts_with("http://") && !base.starts_with("https://") {
        return Err(format!("{what} “{base}” is not an http(s) URL"));
    }
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    Ok((base, http))
}

pub use bank::HttpBank;
pub use client::HttpRegistries;
pub use data::{RegistryFile, load_registry_data, parse_registry_data};
pub use messages::HttpChannel;
pub use server::{SimulatorHandle, Simulators, router, start_simulator};
