//! K18 不见面办理率: services completed online ÷ all services completed.
//! A service is something a person applied for and got, as the registers
//! record it: a withdrawal paid, a personal loan disbursed, a remittance or
//! back-payment bill paid, a flexible worker's deposit, an employer's base
//! filing. Each counts once, when completed, by the channel it was applied
//! through — an online application a clerk reviewed is still online. What a
//! scheduled job does under a standing order (the monthly remittance run,
//! entrusted repayment withdrawals) was not applied for and is left out of
//! both sides; so are sign-ins, refusals and other audit rows.

use crate::AppResult;
use crate::Fund;
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::fund::ServiceKind;

/// The services completed in a period by kind, online and in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceChannels {
    /// (kind, completed online or through the API, completed in all), in
    /// the order of [`ServiceKind`], kinds with none left out.
    pub by_service: Vec<(ServiceKind, i64, i64)>,
    pub online: i64,
    pub all: i64,
}

impl Fund<'_> {
    /// The services completed in `[from, to]` by the channel they were
    /// applied through (K18's numerator and denominator).
    pub async fn service_channels(self, from: Date, to: Date) -> AppResult<ServiceChannels> {
        let mut channels = ServiceChannels::default();
        for row in self.fund_port().services_by_channel(from, to).await? {
            if row.channel == Channel::Batch {
                continue;
            }
            let online = if row.channel.is_contactless() {
                row.count
            } else {
                0
            };
            channels.online += online;
            channels.all += row.count;
            match channels.by_service.iter_mut().find(|s| s.0 == row.service) {
                Some(slot) => {
                    slot.1 += online;
                    slot.2 += row.count;
                }
                None => channels.by_service.push((row.service, online, row.count)),
            }
        }
        Ok(channels)
    }
}
