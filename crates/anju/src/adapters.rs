//! Wiring the parties outside the centre from configuration: the registries
//! are asked over HTTP either at the configured endpoint or at the built-in
//! simulator started in-process — the same client code either way, and the
//! simulator announced on every page while it is in use.

use crate::config::{RegistriesConfig, SIMULATOR};
use anju_adapters::{HttpRegistries, SimulatorHandle, load_registry_data, start_simulator};
use anju_app::registries::{Registries, RegistryData, SimulatedRegistries};
use anyhow::{Context, Result, anyhow};
use std::sync::Arc;
use std::time::Duration;

/// The registries to hand the app, and the in-process simulator serving
/// them (kept alive for as long as the server runs), if any.
pub async fn registries(
    config: &RegistriesConfig,
    demo: bool,
    centre_code: &str,
) -> Result<(Registries, Option<SimulatorHandle>)> {
    let timeout = Duration::from_millis(config.timeout_ms);
    if config.endpoint != SIMULATOR {
        let client =
            HttpRegistries::new(&config.endpoint, centre_code, timeout).map_err(|e| anyhow!(e))?;
        // A simulator behind a configured URL still shows the banner.
        let simulated = match client.health().await {
            Ok(health) => health.simulator,
            Err(e) => {
                tracing::warn!(endpoint = %config.endpoint, error = %e, "registries not answering at start-up");
                false
            }
        };
        return Ok((Registries::all(Arc::new(client), simulated), None));
    }
    let data = simulator_data(config.data.as_deref(), demo)?;
    let handle = start_simulator(Arc::new(SimulatedRegistries::new(data)), "127.0.0.1:0")
        .await
        .context("starting the registries' simulator")?;
    let client =
        HttpRegistries::new(&handle.base_url(), centre_code, timeout).map_err(|e| anyhow!(e))?;
    tracing::info!(address = %handle.addr, "registries answered by the in-process simulator");
    Ok((Registries::all(Arc::new(client), true), Some(handle)))
}

/// The simulator's data: the file given, else the demo's households for the
/// demo, else nobody.
pub fn simulator_data(file: Option<&std::path::Path>, demo: bool) -> Result<RegistryData> {
    match (file, demo) {
        (Some(path), _) => load_registry_data(path).map_err(|e| anyhow!(e)),
        (None, true) => Ok(anju_app::demo_registries::demo_registry_data()?),
        (None, false) => Ok(RegistryData::default()),
    }
}
