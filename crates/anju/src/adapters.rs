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
    let registries_endpoint = chosen("registries", &config.registries.endpoint, demo)?;
    let bank_endpoint = chosen("bank", &config.bank.endpoint, demo)?;
    let messages_endpoint = chosen("messages", &config.messages.endpoint, demo)?;
    let wants_simulator = [&registries_endpoint, &bank_endpoint, &messages_endpoint]
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
    let (registries_url, registries_simulated) = endpoint(&registries_endpoint);
    let registries = registries(&registries_url, registries_simulated, &centre, config).await?;
    let (bank_url, bank_simulated) = endpoint(&bank_endpoint);
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
    let (messages_url, messages_simulated) = endpoint(&messages_endpoint);
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

/// The endpoint a party is asked at. Outside the demo it must be
/// configured — the URL, or `simulator` said out loud — so that a centre
/// never runs on made-up answers by forgetting a line of configuration.
fn chosen(party: &str, configured: &str, demo: bool) -> Result<String> {
    match (configured.trim(), demo) {
        ("", true) => Ok(SIMULATOR.to_string()),
        ("", false) => Err(anyhow!(
            "[adapters.{party}] endpoint is not configured: give the front-end's URL, \
             or \"simulator\" to run on the built-in simulator (every page then says so)"
        )),
        (endpoint, _) => Ok(endpoint.to_string()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_the_demo_every_party_must_be_configured() {
        assert_eq!(chosen("bank", "", true).expect("demo"), SIMULATOR);
        let refused = chosen("bank", "", false).expect_err("not configured");
        assert!(refused.to_string().contains("[adapters.bank]"), "{refused}");
        assert_eq!(chosen("bank", "simulator", false).expect("said"), SIMULATOR);
        assert_eq!(
            chosen("bank", "http://10.1.2.3:9000", false).expect("url"),
            "http://10.1.2.3:9000"
        );
    }
}
