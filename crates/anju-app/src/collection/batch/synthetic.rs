//! The synthetic dataset (`anju seed`): employers with heavy-tailed sizes (a few
//! with tens of thousands of staff, most under 20), members with log-normal
//! wages around the Suzhou average, valid 统一社会信用代码 and 身份证号, all
//! from one seeded generator — the same seed gives the same data. Streams
//! members to the store in chunks; only the employers' sizes are held whole.

use crate::Collection;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::collection::{
    ContributionRates, EmployerStatus, MemberStatus, monthly_contribution,
};
use anju_domain::ids::{IdCardNo, uscc_check_char};
use anju_domain::policy::ContributionRules;
use anju_domain::{Date, DomainError, Fen, RatePpm};
use anju_store::{EmployerRecord, MemberRecord};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Suzhou in 2025 (docs: shared design, performance): contributing members
/// and employers.
pub const SUZHOU_MEMBERS: u64 = 4_710_000;
pub const SUZHOU_EMPLOYERS: u64 = 197_126;
/// The seed when none is given.
pub const DEFAULT_SEED: u64 = 20_261_129;
/// Most members one seed makes (the ID-number space below holds 245 million;
/// this keeps a typo from filling the disk).
pub const MAX_SEED_MEMBERS: u64 = 20_000_000;
/// Members per store call (one transaction): bounded memory, few commits.
const MEMBERS_PER_CHUNK: usize = 20_000;
/// Employers per registration call.
const EMPLOYERS_PER_CHUNK: usize = 5_000;

/// Pareto shape and scale of the raw employer size: with α = 1.2 about 83% of
/// employers come out under 20 staff while the largest reach tens of
/// thousands (measured at Suzhou scale, seed 20261129). Floats shape the distribution only; sizes and wages are integers.
const SIZE_ALPHA: f64 = 1.2;
const SIZE_XMIN: f64 = 2.0;
/// Largest raw size before scaling to the member total (≈ 76k staff after,
/// at Suzhou scale).
const SIZE_RAW_CAP: f64 = 30_000.0;
/// Log-normal wage: median ¥7,000 a month, σ = 0.55; with the rate mix below
/// the average contribution is ≈ ¥1,570–1,615 a member a month under the
/// 2026 limits (Suzhou's 2025 average: ¥1,561).
const WAGE_MEDIAN_YUAN: f64 = 7_000.0;
const WAGE_SIGMA: f64 = 0.55;
const WAGE_MIN_YUAN: i64 = 2_000;
const WAGE_MAX_YUAN: i64 = 150_000;
/// (rate in percent for both sides, weight in percent).
const RATE_MIX: [(i64, u64); 4] = [(12, 45), (10, 15), (8, 20), (5, 20)];

/// Employers' regions (苏州 districts and county-level cities).
const EMPLOYER_REGIONS: [&str; 9] = [
    "320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585",
];
/// Members' birthplaces: Suzhou and the provinces most of its workforce comes from.
const BIRTH_REGIONS: [&str; 16] = [
    "320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585",
    "320102", "321002", "340104", "410105", "510107", "360102", "420106",
];
/// Birth dates from 1966-01-01, over this many days (to 2007-12-31).
const BIRTH_FIRST: (i32, u32, u32) = (1966, 1, 1);
const BIRTH_DAYS: u64 = 15_340;
/// Sequence numbers per region and birth date.
const SEQUENCES: u64 = 1_000;
/// Multiplier of the bijection over ID-number slots and organisation codes:
/// a prime not dividing either space, so `k ↦ (k·A + B) mod M` never repeats.
const MIX_MULTIPLIER: u64 = 1_000_003;
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const ORG_CODE_CHARS: u32 = 9;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "沈",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "强", "军", "平", "刚", "桂英",
    "建华", "晓明", "丽", "婷", "浩", "宇", "欣怡", "子涵", "思远",
];
const TRADES: [&str; 8] = [
    "科技",
    "制造",
    "商贸",
    "建设工程",
    "物流",
    "电子",
    "医药",
    "餐饮管理",
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSpec {
    pub members: u64,
    pub seed: u64,
    /// Accounts open on this day; its contribution rules clamp the summary's bases.
    pub opened: Date,
}

impl SeedSpec {
    /// Employers in Suzhou's proportion (≈ 24 members each), at least one.
    pub fn employers(&self) -> u64 {
        let scaled = (u128::from(self.members) * u128::from(SUZHOU_EMPLOYERS)
            + u128::from(SUZHOU_MEMBERS) / 2)
            / u128::from(SUZHOU_MEMBERS);
        u64::try_from(scaled)
            .unwrap_or(u64::MAX)
            .clamp(1, self.members.max(1))
    }

    fn check(&self) -> AppResult<()> {
        if self.members == 0 || self.members > MAX_SEED_MEMBERS {
            return Err(
                DomainError::new("SEED_SIZE", format!("成员数应为1至{MAX_SEED_MEMBERS}")).into(),
            );
        }
        Ok(())
    }
}

/// What a seed wrote. `digest` covers the business content (codes, names,
/// wages, rates, who works where), not the generated ids or timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub employers: u64,
    pub members: u64,
    pub largest_employer: u64,
    pub employers_under_20: u64,
    /// Σ monthly contributions under the opening day's rules.
    pub monthly_contributions: Fen,
    pub digest: String,
}

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and well distributed.
/// Written here so the data depends on nothing that could change under it.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: never 0, so logarithms and powers stay finite.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0); the modulo bias is below 2⁻⁴⁰ for these n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Each employer's staff count: heavy-tailed, each at least one, summing to
/// exactly `members`.
pub fn employer_sizes(rng: &mut SplitMix64, employers: u64, members: u64) -> Vec<u64> {
    let raw: Vec<u64> = (0..employers)
        .map(|_| {
            let pareto = SIZE_XMIN * rng.unit().powf(-1.0 / SIZE_ALPHA);
            pareto.min(SIZE_RAW_CAP) as u64 - 1
        })
        .collect();
    // Everyone gets one; the rest is shared in proportion to the raw draw.
    let extra = u128::from(members - employers);
    let raw_total = u128::from(raw.iter().sum::<u64>().max(1));
    let mut sizes: Vec<u64> = raw
        .iter()
        .map(|r| 1 + u64::try_from(u128::from(*r) * extra / raw_total).unwrap_or(0))
        .collect();
    // Rounding down left fewer than one member per employer over: the first take one more.
    let short = members - sizes.iter().sum::<u64>();
    for size in sizes.iter_mut().take(usize::try_from(short).unwrap_or(0)) {
        *size += 1;
    }
    sizes
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A bijection on 0..modulus (the multiplier is coprime to it): distinct
/// inputs give distinct outputs, scattered by the seed's offset.
fn scatter(k: u64, offset: u64, modulus: u64) -> u64 {
    debug_assert_eq!(gcd(MIX_MULTIPLIER, modulus), 1);
    let mixed =
        (u128::from(k) * u128::from(MIX_MULTIPLIER) + u128::from(offset)) % u128::from(modulus);
    u64::try_from(mixed).unwrap_or(0)
}

fn id_slots() -> u64 {
    BIRTH_REGIONS.len() as u64 * BIRTH_DAYS * SEQUENCES
}

/// The `k`-th member's 身份证号: distinct for every k below 245 million.
pub fn member_id_card(k: u64, seed: u64) -> AppResult<IdCardNo> {
    let slot = scatter(k, SplitMix64::new(seed).next_u64() % id_slots(), id_slots());
    let sequence = slot % SEQUENCES;
    let day = (slot / SEQUENCES) % BIRTH_DAYS;
    let region = BIRTH_REGIONS[usize::try_from(slot / SEQUENCES / BIRTH_DAYS).unwrap_or(0)];
    let (y, m, d) = BIRTH_FIRST;
    let born = Date::from_ymd(y, m, d)?.add_days(i32::try_from(day).unwrap_or(0))?;
    let (by, bm, bd) = born.ymd();
    Ok(IdCardNo::complete(&format!(
        "{region}{by:04}{bm:02}{bd:02}{sequence:03}"
    ))?)
}

/// The `i`-th employer's 统一社会信用代码: "91" (an enterprise registered with
/// market regulation), a Suzhou region, a nine-character organisation code
/// distinct for every i, and the MOD 31 check character.
pub fn employer_uscc(i: u64, seed: u64) -> AppResult<String> {
    let space = 31u64.pow(ORG_CODE_CHARS);
    let mut code = scatter(i, SplitMix64::new(!seed).next_u64() % space, space);
    let mut org = [b'0'; ORG_CODE_CHARS as usize];
    for slot in org.iter_mut().rev() {
        *slot = USCC_ALPHABET[usize::try_from(code % 31).unwrap_or(0)];
        code /= 31;
    }
    let region = EMPLOYER_REGIONS[usize::try_from(i % EMPLOYER_REGIONS.len() as u64).unwrap_or(0)];
    let body = format!("91{region}{}", String::from_utf8_lossy(&org));
    let check =
        uscc_check_char(&body).ok_or_else(|| DomainError::new("USCC_CHARS", "合成单位代码无效"))?;
    Ok(format!("{body}{check}"))
}

/// Log-normal wage in whole yuan, clamped to a plausible range, as fen.
fn wage(rng: &mut SplitMix64) -> Fen {
    // Box–Muller: one standard normal from two uniforms.
    let z = (-2.0 * rng.unit().ln()).sqrt() * (std::f64::consts::TAU * rng.unit()).cos();
    let yuan = (WAGE_MEDIAN_YUAN * (WAGE_SIGMA * z).exp()).round() as i64;
    Fen::new(yuan.clamp(WAGE_MIN_YUAN, WAGE_MAX_YUAN) * 100)
}

fn rate_percent(rng: &mut SplitMix64) -> i64 {
    let mut pick = rng.below(100);
    for (rate, weight) in RATE_MIX {
        if pick < weight {
            return rate;
        }
        pick -= weight;
    }
    RATE_MIX[0].0
}

fn pick<'a>(rng: &mut SplitMix64, list: &[&'a str]) -> &'a str {
    list[usize::try_from(rng.below(list.len() as u64)).unwrap_or(0)]
}

/// Start of the opening day in UTC microseconds: generated rows carry no clock
/// reading, so the same seed writes the same rows.
fn opened_at_us(opened: Date) -> i64 {
    i64::from(opened.epoch_days()) * 86_400_000_000
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Generation state carried across chunks.
struct Generator {
    spec: SeedSpec,
    rng: SplitMix64,
    hasher: Sha256,
    rules: ContributionRules,
    next_member_id: i64,
    member_index: u64,
    contributions: Fen,
}

impl Generator {
    fn employer(&mut self, i: u64, employer_id: i64) -> AppResult<EmployerRecord> {
        let rate = RatePpm::new(rate_percent(&mut self.rng) * 10_000)?;
        let pay_day = match self.rng.below(10) {
            0 => None,
            _ => Some(1 + i32::try_from(self.rng.below(28)).unwrap_or(0)),
        };
        let name = format!(
            "苏州合成{:06}{}有限公司",
            i + 1,
            pick(&mut self.rng, &TRADES)
        );
        let record = EmployerRecord {
            employer_id,
            uscc: employer_uscc(i, self.spec.seed)?,
            name,
            pay_day,
            employer_rate_ppm: rate,
            member_rate_ppm: rate,
            status: EmployerStatus::Active,
            opened_at_us: opened_at_us(self.spec.opened),
            economic_type: None,
            industry: None,
            bank_account: None,
            source: "counter".to_string(),
        };
        let line = format!(
            "E|{}|{}|{:?}|{}\n",
            record.uscc, record.name, record.pay_day, record.employer_rate_ppm
        );
        self.hasher.update(line.as_bytes());
        Ok(record)
    }

    fn member(&mut self, employer: &EmployerRecord, i: u64) -> AppResult<MemberRecord> {
        let id_card = member_id_card(self.member_index, self.spec.seed)?;
        let name = format!(
            "{}{}",
            pick(&mut self.rng, &SURNAMES),
            pick(&mut self.rng, &GIVEN)
        );
        let wage = wage(&mut self.rng);
        let rates = ContributionRates {
            employer: employer.employer_rate_ppm,
            member: employer.member_rate_ppm,
        };
        let month = monthly_contribution(wage, rates, &self.rules)?;
        self.contributions = self.contributions.checked_add(month.total()?)?;
        let line = format!("M|{}|{name}|{}|{i}\n", id_card.as_str(), wage.get());
        self.hasher.update(line.as_bytes());
        let record = MemberRecord {
            member_id: self.next_member_id,
            id_card: id_card.as_str().to_string(),
            name,
            employer_id: Some(employer.employer_id),
            status: MemberStatus::Active,
            wage_fen: wage,
            employer_rate_ppm: None,
            member_rate_ppm: None,
            enrolled_at_us: opened_at_us(self.spec.opened),
        };
        self.next_member_id += 1;
        self.member_index += 1;
        Ok(record)
    }
}

impl App {
    async fn try_seed_synthetic(
        &self,
        spec: SeedSpec,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SeedSummary> {
        spec.check()?;
        let mut rng = SplitMix64::new(spec.seed);
        let sizes = employer_sizes(&mut rng, spec.employers(), spec.members);
        let first_employer = self
            .posting_port()
            .reserve_ids(i64::try_from(sizes.len()).unwrap_or(i64::MAX));
        let mut generator = Generator {
            spec,
            rng,
            hasher: Sha256::new(),
            rules: self.policy().contribution.at(spec.opened)?.value.clone(),
            next_member_id: self
                .posting_port()
                .reserve_ids(i64::try_from(spec.members).unwrap_or(i64::MAX)),
            member_index: 0,
            contributions: Fen::ZERO,
        };
        let mut buffer: Vec<MemberRecord> = Vec::with_capacity(MEMBERS_PER_CHUNK);
        for (chunk_no, chunk) in sizes.chunks(EMPLOYERS_PER_CHUNK).enumerate() {
            let base = (chunk_no * EMPLOYERS_PER_CHUNK) as u64;
            let employers = (0..chunk.len() as u64)
                .map(|j| {
                    let i = base + j;
                    generator.employer(i, first_employer + i64::try_from(i).unwrap_or(0))
                })
                .collect::<AppResult<Vec<_>>>()?;
            self.batch_port().register_employers(&employers).await?;
            for (j, (employer, size)) in employers.iter().zip(chunk).enumerate() {
                for _ in 0..*size {
                    buffer.push(generator.member(employer, base + j as u64)?);
                    if buffer.len() == MEMBERS_PER_CHUNK {
                        self.collection_port()
                            .enrol_members(&buffer, spec.opened)
                            .await?;
                        buffer.clear();
                        progress(generator.member_index);
                    }
                }
            }
        }
        if !buffer.is_empty() {
            self.collection_port()
                .enrol_members(&buffer, spec.opened)
                .await?;
            progress(generator.member_index);
        }
        Ok(SeedSummary {
            employers: sizes.len() as u64,
            members: spec.members,
            largest_employer: sizes.iter().copied().max().unwrap_or(0),
            employers_under_20: sizes.iter().filter(|s| **s < 20).count() as u64,
            monthly_contributions: generator.contributions,
            digest: hex(&generator.hasher.finalize()),
        })
    }
}

impl Collection<'_> {
    /// `anju seed`: writes the synthetic dataset into an empty registry.
    /// `progress` hears the members written so far. Refuses (`EMPLOYER_EXISTS`)
    /// a database that already holds the same seed.
    pub async fn seed_synthetic(
        self,
        actor: &Actor,
        spec: SeedSpec,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SeedSummary> {
        let result = self.try_seed_synthetic(spec, progress).await;
        let payload = format!("members={} seed={}", spec.members, spec.seed);
        self.audited(
            actor,
            "seed.synthetic",
            "registry",
            payload.as_bytes(),
            result,
        )
        .await
    }
}
