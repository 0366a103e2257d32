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

pub use bank::HttpBank;
pub use client::HttpRegistries;
pub use data::{RegistryFile, load_registry_data, parse_registry_data};
pub use messages::HttpChannel;
pub use server::{SimulatorHandle, Simulators, router, start_simulator};
