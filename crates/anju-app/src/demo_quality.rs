//! The demo's service quality: a month of 12329 calls from the telephony
//! system's CDR file (`fixtures/hotline-cdr-2026-11.csv`), a letter that
//! was answered and a complaint from the hall still open — so the console
//! and K17/K20/K21 have something to show. Idempotent: a centre with any
//! hotline call is left alone.

use crate::access::Actor;
use crate::quality::{ComplaintInput, Resolution};
use crate::{App, AppResult};
use anju_domain::Date;
use anju_domain::access::{Channel, Role};
use anju_domain::quality::{ComplaintCategory, ComplaintOutcome, ComplaintSource};

const CDR: &[u8] = include_bytes!("../../../fixtures/hotline-cdr-2026-11.csv");

fn staff(role: Role, login: &str) -> Actor {
    Actor::seeded(role, login, None, "demo-quality")
}

pub async fn seed_demo_quality(app: &App, today: Date) -> AppResult<()> {
    let q = app.quality();
    if !q.hotline_calls().await?.is_empty() {
        return Ok(());
    }
    let clerk = staff(Role::Clerk, "clerk01");
    q.import_cdr(&clerk, CDR).await?;
    let letter = ComplaintInput {
        source: ComplaintSource::Letter,
        category: ComplaintCategory::Policy,
        complainant: "李明".to_string(),
        contact: "苏州市姑苏区人民路 1 号".to_string(),
        subject: "离职提取需要等待的时间".to_string(),
        detail: "来信询问离职后多久可以销户提取".to_string(),
    };
    let answered = q.file_complaint(&clerk, &letter, today).await?;
    q.take_complaint(&clerk, answered.complaint_id, today)
        .await?;
    let reply = Resolution {
        outcome: ComplaintOutcome::Explained,
        verified: false,
        finding: "政策咨询，非服务质量问题".to_string(),
        reply: "已书面答复：离职封存满半年且未重新就业可申请销户提取".to_string(),
    };
    q.resolve_complaint(&clerk, answered.complaint_id, &reply, today)
        .await?;
    let counter = ComplaintInput {
        source: ComplaintSource::Platform,
        category: ComplaintCategory::ServiceQuality,
        complainant: "张华".to_string(),
        contact: "13912340000".to_string(),
        subject: "园区网点叫号系统故障".to_string(),
        detail: "政务服务平台转办：上午叫号系统故障，等候一小时".to_string(),
    };
    q.file_complaint(&clerk, &counter, today).await?;
    seed_demo_assistant(app, today).await
}

/// A member's question handed to a person and waiting on the console, and
/// a visitor's question the assistant had no answer for.
async fn seed_demo_assistant(app: &App, today: Date) -> AppResult<()> {
    let id_card = crate::demo::demo_member_id_card(2)?;
    let member = app
        .collection_port()
        .member_by_id_card(id_card.as_str())
        .await?;
    if let Some(member) = member {
        let asker = Actor::seeded(
            Role::Member,
            id_card.as_str(),
            Some(member.member_id),
            "demo-assistant",
        );
        let a = app.assistant();
        a.ask(&asker, "离职后公积金账户怎么办？", today).await?;
        a.ask(&asker, "我下个月去上海工作，这边的账户要销户吗", today)
            .await?;
        a.hand_over(&asker, today).await?;
    }
    let visitor = Actor::anonymous(Channel::Online, "demo-assistant", "demo");
    app.assistant()
        .ask(&visitor, "公积金联名卡丢了怎么补办", today)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::test_support::{d, sqlite_app};

    #[tokio::test]
    async fn the_demo_has_calls_and_complaints_once() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "q.db").await;
        for _ in 0..2 {
            super::seed_demo_quality(&app, d("2026-12-06"))
                .await
                .expect("seed");
        }
        let q = app.quality();
        assert_eq!(q.hotline_calls().await.expect("calls").len(), 11);
        assert_eq!(q.complaints().await.expect("complaints").len(), 2);
        let desk = crate::test_support::clerk();
        let unanswered = app.assistant().unanswered_questions(&desk, 10).await;
        assert_eq!(unanswered.expect("unanswered").len(), 1);
        let f = app
            .fund()
            .year_figures(2026, d("2026-12-06"))
            .await
            .expect("figures");
        assert_eq!(
            (
                f.complaints_received,
                f.complaints_mediated,
                f.hotline_ratings
            ),
            (2, 1, 10)
        );
    }
}
