//! Wiring the parties outside the centre from configuration. The registries
//! and the banks are asked over HTTP, either at the configured endpoint or
//! at the built-in simulator started in-process — the same client code
//! either way, and the simulator announced on every page while in use.

use crate::config::{Config, SIMULATOR};
use anju_adapters::HttpChannel;
use anju_adapters::{
    HttpBank, HttpRegistries, SimulatorHandle, Simulators, load_registry_data, start_simulator,
};
use anju_app::App;
use anju_app::access::{ChannelAdapter, SimulatedEmail, SimulatedSms, SimulatedWeChat};
use anju_app::registries::{Registries, RegistryData, SimulatedRegistries};
use anyhow::{Context, Result, anyhow};
use std::sync::Arc;
use std::time::Duration;

/// `app` with its registries and banks as configured, and the in-process
/// simulator serving them (kept alive for as long as the server runs), if
/// any is simulated.
pub async fn wire(config: &Config, demo: bool, app: App) -> Result<(App, Option<SimulatorHandle>)> {
    let centre = app.policy().centre_code.clone();
    let wants_simulator = [
        &config.registries.endpoint,
        &config.bank.endpoint,
        &config.messages.endpoint,
    ]
    .iter()
    .any(|e| e.as_str() == SIMULATOR);
    let simulator = match wants_simulator {
        true => {
            let data = simulator_data(config.registries.data.as_deref(), demo)?;
            let sims = Simulators::new(Arc::new(SimulatedRegistries::new(data)));
            let handle = start_simulator(sims, "127.0.0.1:0")
                .await
                .context("starting the simulator of the outside parties")?;
            tracing::info!(address = %handle.addr, "outside parties answered by the in-process simulator");
            Some(handle)
        }
        false => None,
    };
    let endpoint = |configured: &str| match (&simulator, configured == SIMULATOR) {
        (Some(handle), true) => (handle.base_url(), true),
        _ => (configured.to_string(), false),
    };
    let (registries_url, registries_simulated) = endpoint(&config.registries.endpoint);
    let registries = registries(&registries_url, registries_simulated, &centre, config).await?;
    let (bank_url, bank_simulated) = endpoint(&config.bank.endpoint);
    let timeout = Duration::from_millis(config.bank.timeout_ms);
    let client = |channel, name, banner| -> Result<HttpBank> {
        let bank = HttpBank::new(&bank_url, channel, name, timeout).map_err(|e| anyhow!(e))?;
        Ok(match bank_simulated {
            true => bank.simulated_as(banner),
            false => bank,
        })
    };
    let transfer = client("bank", "银行转账", "银行代收")?;
    let ecny = client("ecny", "数字人民币", "数字人民币")?;
    let (messages_url, messages_simulated) = endpoint(&config.messages.endpoint);
    let timeout = Duration::from_millis(config.messages.timeout_ms);
    let gateway = |inner: Box<dyn ChannelAdapter>| -> Result<Box<dyn ChannelAdapter>> {
        let channel = HttpChannel::new(inner, &messages_url, timeout, messages_simulated)
            .map_err(|e| anyhow!(e))?;
        Ok(Box::new(channel))
    };
    let channels = vec![
        gateway(Box::new(SimulatedSms))?,
        gateway(Box::new(SimulatedWeChat))?,
        gateway(Box::new(SimulatedEmail))?,
    ];
    let app = app
        .with_channels(channels)
        .with_registries(registries)
        .with_payment_adapters(vec![Box::new(transfer.clone()), Box::new(ecny)])
        .with_payout_adapter(Arc::new(transfer.clone()))
        .with_debit_adapter(Arc::new(transfer));
    Ok((app, simulator))
}

async fn registries(
    url: &str,
    simulated: bool,
    centre: &str,
    config: &Config,
) -> Result<Registries> {
    let timeout = Duration::from_millis(config.registries.timeout_ms);
    let client = HttpRegistries::new(url, centre, timeout).map_err(|e| anyhow!(e))?;
    if simulated {
        return Ok(Registries::all(Arc::new(client), true));
    }
    // A simulator behind a configured URL still shows the banner.
    let simulated = match client.health().await {
        Ok(health) => health.simulator,
        Err(e) => {
            tracing::warn!(endpoint = %url, error = %e, "registries not answering at start-up");
            false
        }
    };
    Ok(Registries::all(Arc::new(client), simulated))
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
