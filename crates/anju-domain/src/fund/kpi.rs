//! The plan's KPIs as data. A plan (e.g. `plans/suzhou-14th.toml`) lists each
//! indicator with its unit, comparison, target, baseline, yearly path and how
//! its value is obtained: a named formula over the year's figures, or manual
//! inputs typed in by the centre. A new plan is a new file, not new code.

use super::indicators::{self as ind, YearFigures};
use super::ratio::{Ratio, decimal_text, div_half_away};
use crate::error::{DomainError, DomainResult};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use toml::{Table, Value};

/// Fen in one 亿元 (10^8 yuan).
const FEN_PER_100M: i128 = 10_000_000_000;
const PPM: i128 = 1_000_000;

/// How a KPI's value is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiUnit {
    Percent,
    Permille,
    Count,
    /// 亿元.
    Yuan100m,
    /// Text such as 良好.
    Grade,
}

impl KpiUnit {
    /// The file's code: percent, permille, count, yuan_100m, grade.
    pub fn code(self) -> &'static str {
        match self {
            KpiUnit::Percent => "percent",
            KpiUnit::Permille => "permille",
            KpiUnit::Count => "count",
            KpiUnit::Yuan100m => "yuan_100m",
            KpiUnit::Grade => "grade",
        }
    }

    fn parse(text: &str) -> Option<KpiUnit> {
        [
            KpiUnit::Percent,
            KpiUnit::Permille,
            KpiUnit::Count,
            KpiUnit::Yuan100m,
            KpiUnit::Grade,
        ]
        .into_iter()
        .find(|u| u.code() == text)
    }

    /// A value as written in this unit: "75" (%), "0.015" (‰), "70000",
    /// "5500" (亿元), "良好". Decimals are scaled integers, never floats.
    pub fn parse_value(self, text: &str) -> DomainResult<KpiValue> {
        let scaled = |per: i128| -> DomainResult<Ratio> {
            let r = Ratio::parse_decimal(text)?;
            Ok(Ratio::new(r.num, r.den * per).unwrap_or(r))
        };
        match self {
            KpiUnit::Percent => scaled(100).map(KpiValue::Ratio),
            KpiUnit::Permille => scaled(1_000).map(KpiValue::Ratio),
            KpiUnit::Count => whole(Ratio::parse_decimal(text)?, text).map(KpiValue::Count),
            KpiUnit::Yuan100m => {
                let r = Ratio::parse_decimal(text)?;
                let fen = Ratio::new(r.num * FEN_PER_100M, r.den).unwrap_or(r);
                whole(fen, text).map(KpiValue::Fen)
            }
            KpiUnit::Grade if text.trim().is_empty() => {
                Err(DomainError::new("KPI_VALUE_EMPTY", "等级不能为空"))
            }
            KpiUnit::Grade => Ok(KpiValue::Text(text.trim().to_string())),
        }
    }
}

fn whole(r: Ratio, text: &str) -> DomainResult<i64> {
    if r.den != 1 {
        return Err(DomainError::new(
            "KPI_VALUE_NOT_WHOLE",
            format!("“{text}”应为整数"),
        ));
    }
    i64::try_from(r.num).map_err(|_| DomainError::new("AMOUNT_OVERFLOW", "数值超出范围"))
}

/// How a value is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// value ≥ target (value > target when `KpiDef::strict`).
    AtLeast,
    /// value ≤ target (value < target when `KpiDef::strict`).
    AtMost,
    /// target ≤ value ≤ target_high.
    Band,
    /// Within `tolerance_ppm` of the target: for ratios an absolute distance
    /// (50_000 = 5 percentage points), for counts and money a share of the target.
    About,
    /// Text equal to the target.
    Equals,
}

/// A KPI value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KpiValue {
    Ratio(Ratio),
    Count(i64),
    Fen(i64),
    Text(String),
}

impl KpiValue {
    /// The value as shown in its unit: "69.76%", "0.012‰", "70,000", "5,500.00亿元", "良好".
    pub fn text(&self, unit: KpiUnit) -> String {
        match (self, unit) {
            (KpiValue::Ratio(r), KpiUnit::Permille) => r.permille_text(3),
            (KpiValue::Ratio(r), _) => r.percent_text(2),
            (KpiValue::Count(n), _) => grouped(i128::from(*n), 0),
            (KpiValue::Fen(f), _) => {
                let hundredths = div_half_away(i128::from(*f), FEN_PER_100M / 100);
                format!("{}亿元", grouped(hundredths, 2))
            }
            (KpiValue::Text(t), _) => t.clone(),
        }
    }
}

/// Ratios as percent; use [`KpiValue::text`] to show ‰.
impl fmt::Display for KpiValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(KpiUnit::Percent))
    }
}

/// `scaled` with `dp` decimals and thousands separators.
fn grouped(scaled: i128, dp: u32) -> String {
    let plain = decimal_text(scaled, dp);
    let (sign, body) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |b| ("-", b));
    let (int_part, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let out = crate::money::thousands(int_part);
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Where a KPI's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KpiSource {
    /// A formula key of [`FORMULAS`], computed from the figures.
    Formula(String),
    /// Manual inputs: one key is the value itself; two keys are first ÷ second.
    Input(Vec<String>),
}

/// One KPI of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiDef {
    pub id: String,
    pub name: String,
    /// The cockpit section it is listed under (缴存, 提取, 贷款 …).
    pub group: String,
    pub unit: KpiUnit,
    pub comparison: Comparison,
    /// The plan's end target (text describing it when `target_input` is set).
    pub target: KpiValue,
    pub target_high: Option<KpiValue>,
    pub tolerance_ppm: i64,
    pub baseline: Option<KpiValue>,
    /// The yearly path (the centre's breakdown of the end target).
    pub path: BTreeMap<i32, KpiValue>,
    pub source: KpiSource,
    pub note: String,
    /// The plan says "more than" / "less than": the target itself misses.
    pub strict: bool,
    /// The target is a yearly input (K04: GDP growth), not a fixed figure.
    pub target_input: Option<String>,
    /// The values the measure can take at all (a share lies in 0%–100%):
    /// outside them the value is a data error, never 达标.
    pub plausible: Plausible,
}

/// The bounds of a KPI's possible values (`min`, `max` in the catalogue).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plausible {
    pub min: Option<KpiValue>,
    pub max: Option<KpiValue>,
}

impl Plausible {
    /// False when `value` lies outside the bounds.
    pub fn admits(&self, value: &KpiValue) -> bool {
        self.bound_crossed(value).is_none()
    }

    /// The bound `value` crosses: `"min"` below it, `"max"` above it.
    fn bound_crossed(&self, value: &KpiValue) -> Option<&'static str> {
        let crosses = |bound: &Option<KpiValue>, side: Ordering| {
            bound
                .as_ref()
                .is_some_and(|b| order(value, b) == Some(side))
        };
        if crosses(&self.min, Ordering::Less) {
            Some("min")
        } else if crosses(&self.max, Ordering::Greater) {
            Some("max")
        } else {
            None
        }
    }

    /// "0%–100%" in the KPI's unit, for the data-error note.
    pub fn text(&self, unit: KpiUnit) -> String {
        let bound = |b: &Option<KpiValue>| b.as_ref().map(|v| plain(v.text(unit)));
        match (bound(&self.min), bound(&self.max)) {
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
            (Some(lo), None) => format!("≥ {lo}"),
            (None, Some(hi)) => format!("≤ {hi}"),
            (None, None) => String::new(),
        }
    }
}

impl KpiDef {
    /// The target as the plan states it, with its comparison: "≥ 72%",
    /// "< 0.015‰", "≈ 70,000", "60%–80%"; an input target (K04) is its text.
    pub fn target_text(&self) -> String {
        let target = plain(self.target.text(self.unit));
        if self.target_input.is_some() {
            return target;
        }
        let high = self.target_high.as_ref().map(|h| plain(h.text(self.unit)));
        match (self.comparison, self.strict) {
            (Comparison::AtLeast, false) => format!("≥ {target}"),
            (Comparison::AtLeast, true) => format!("> {target}"),
            (Comparison::AtMost, false) => format!("≤ {target}"),
            (Comparison::AtMost, true) => format!("< {target}"),
            (Comparison::About, _) => format!("≈ {target}（{}）", self.tolerance_text()),
            (Comparison::Band, _) => format!("{target}–{}", high.unwrap_or_default()),
            (Comparison::Equals, _) => target,
        }
    }
}

impl KpiDef {
    /// An "about" target's band as the plan file states it: "±5个百分点" for
    /// ratios (an absolute distance), "±5%" of the target for counts and money.
    pub fn tolerance_text(&self) -> String {
        let ppm = Ratio::new(i128::from(self.tolerance_ppm), PPM);
        let share = ppm.map(|r| plain(r.percent_text(2))).unwrap_or_default();
        match self.unit {
            KpiUnit::Percent => format!("±{}个百分点", share.trim_end_matches('%')),
            KpiUnit::Permille => {
                let points = ppm.map(|r| plain(r.permille_text(3))).unwrap_or_default();
                format!("±{}个千分点", points.trim_end_matches('‰'))
            }
            _ => format!("±{share}"),
        }
    }
}

/// A shown value without trailing decimal zeros ("72.00%" → "72%"), as a
/// target is written in the plan; text values pass through.
fn plain(text: String) -> String {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-')))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(end);
    if !number.contains('.') {
        return text;
    }
    let number = number.trim_end_matches('0').trim_end_matches('.');
    format!("{number}{suffix}")
}

/// A plan's KPI catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCatalogue {
    pub id: String,
    pub name: String,
    pub baseline_year: i32,
    pub first_year: i32,
    pub last_year: i32,
    pub kpis: Vec<KpiDef>,
}

impl PlanCatalogue {
    /// The KPI with this code. A page or report that names a KPI the plan
    /// lacks is a configuration error, refused rather than shown blank.
    pub fn get(&self, code: &str) -> DomainResult<&KpiDef> {
        self.kpis.iter().find(|k| k.id == code).ok_or_else(|| {
            DomainError::new(
                "KPI_NOT_IN_PLAN",
                format!("规划“{}”没有指标 {code}", self.name),
            )
        })
    }
}

/// A KPI's standing for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiStatus {
    OnTrack,
    AtRisk,
    NoData,
    /// The value lies outside what the measure can be (a share above 100%):
    /// an input or a record is wrong.
    Implausible,
}

impl KpiStatus {
    /// "达标" / "有风险" / "无数据".
    pub fn name(self) -> &'static str {
        match self {
            KpiStatus::OnTrack => "达标",
            KpiStatus::AtRisk => "有风险",
            KpiStatus::NoData => "无数据",
            KpiStatus::Implausible => "数据异常",
        }
    }
}

/// One KPI evaluated for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiResult {
    pub id: String,
    pub name: String,
    pub unit: KpiUnit,
    pub value: Option<KpiValue>,
    pub target_this_year: Option<KpiValue>,
    pub status: KpiStatus,
    /// The value was typed in rather than computed from the records.
    pub from_input: bool,
}

/// Manual inputs for one year: key → decimal text as entered (e.g. "5230000", "5.0", "良好").
pub type Inputs = BTreeMap<String, String>;

/// The formula keys a catalogue may name. Some read fixed input keys too:
/// coverage (`urban_employed`), per_capita_growth (`gdp_growth_percent` as the
/// target), flexible_medical_share (`flexible_medical_insured`),
/// contactless_rate (`online_transactions` and `all_transactions` override);
/// likewise the service-quality shares, counted from the records unless
/// both typed counts are entered: legal_review_share (`legal_reviewers`,
/// `enforcement_staff`), complaint_mediation_rate (`complaints_mediated`,
/// `complaints_received`), hotline_satisfaction (`hotline_satisfied`,
/// `hotline_ratings`), verified_complaint_rate (`complaints_verified`,
/// `complaints_received`).
/// average_collection_growth reads the baseline year's figures (whose
/// collection may be a typed yearly total).
pub const FORMULAS: &[&str] = &[
    "coverage",
    "average_collection_growth",
    "cumulative_collection",
    "per_capita_growth",
    "base_adjustment_rate",
    "employer_overdue_rate",
    "flexible_contributors",
    "flexible_share",
    "flexible_medical_share",
    "withdrawal_rate",
    "housing_withdrawal_share",
    "remote_loan_rate",
    "overdue_rate",
    "utilisation",
    "reserve_adequacy",
    "contactless_rate",
    "loan_ratio",
    "value_added_rate",
    "housing_contribution_rate",
    "legal_review_share",
    "complaint_mediation_rate",
    "hotline_satisfaction",
    "verified_complaint_rate",
];

const SUZHOU_14TH: &str = include_str!("../../../../plans/suzhou-14th.toml");

/// The Suzhou 14th Five-Year Plan catalogue shipped with the system.
pub fn suzhou_14th() -> PlanCatalogue {
    // The shipped file is parsed by a test, so this cannot fail at run time.
    parse_catalogue("plans/suzhou-14th.toml", SUZHOU_14TH).expect("plans/suzhou-14th.toml is valid")
}

/// The figures a year's KPIs are computed from: the year's, the year
/// before's (growth on last year) and the plan's baseline year's (average
/// growth since the baseline), each as of the same day of its year.
#[derive(Debug, Clone, Copy)]
pub struct KpiFigures<'a> {
    pub year: &'a YearFigures,
    pub previous: Option<&'a YearFigures>,
    pub baseline: Option<&'a YearFigures>,
}

/// Evaluates every KPI for `year` from the figures and the inputs.
pub fn evaluate(
    cat: &PlanCatalogue,
    year: i32,
    figures: KpiFigures<'_>,
    inputs: &Inputs,
) -> Vec<KpiResult> {
    cat.kpis
        .iter()
        .map(|k| evaluate_one(k, year, figures, inputs))
        .collect()
}

fn evaluate_one(k: &KpiDef, year: i32, figures: KpiFigures<'_>, inputs: &Inputs) -> KpiResult {
    let (value, from_input) = match &k.source {
        KpiSource::Formula(key) => formula_value(key, figures, inputs),
        KpiSource::Input(keys) => (input_value(keys, k.unit, inputs), true),
    };
    let target = target_for(k, year, inputs);
    let status = match (&value, &target) {
        (Some(v), _) if !k.plausible.admits(v) => KpiStatus::Implausible,
        (Some(v), Some(t)) => match meets(k, v, t) {
            Some(true) => KpiStatus::OnTrack,
            Some(false) => KpiStatus::AtRisk,
            None => KpiStatus::NoData,
        },
        _ => KpiStatus::NoData,
    };
    KpiResult {
        id: k.id.clone(),
        name: k.name.clone(),
        unit: k.unit,
        value,
        target_this_year: target,
        status,
        from_input,
    }
}

/// This year's target: the input for an input target, else the path's value,
/// else the end target.
fn target_for(k: &KpiDef, year: i32, inputs: &Inputs) -> Option<KpiValue> {
    if let Some(key) = &k.target_input {
        return inputs.get(key).and_then(|t| k.unit.parse_value(t).ok());
    }
    Some(k.path.get(&year).unwrap_or(&k.target).clone())
}

fn meets(k: &KpiDef, value: &KpiValue, target: &KpiValue) -> Option<bool> {
    match k.comparison {
        Comparison::AtLeast => order(value, target).map(|o| o.is_gt() || (!k.strict && o.is_eq())),
        Comparison::AtMost => order(value, target).map(|o| o.is_lt() || (!k.strict && o.is_eq())),
        Comparison::Band => {
            let high = k.target_high.as_ref()?;
            Some(order(value, target)?.is_ge() && order(value, high)?.is_le())
        }
        Comparison::About => within(value, target, k.tolerance_ppm),
        Comparison::Equals => match (value, target) {
            (KpiValue::Text(a), KpiValue::Text(b)) => Some(a.trim() == b.trim()),
            _ => Some(value == target),
        },
    }
}

fn order(a: &KpiValue, b: &KpiValue) -> Option<Ordering> {
    match (a, b) {
        (KpiValue::Ratio(x), KpiValue::Ratio(y)) => Some(x.cmp(y)),
        (KpiValue::Count(x), KpiValue::Count(y)) | (KpiValue::Fen(x), KpiValue::Fen(y)) => {
            Some(x.cmp(y))
        }
        _ => None,
    }
}

fn within(value: &KpiValue, target: &KpiValue, tolerance_ppm: i64) -> Option<bool> {
    let tol = i128::from(tolerance_ppm);
    match (value, target) {
        // |v − t| ≤ tol / 10^6, cross-multiplied (denominators are positive).
        (KpiValue::Ratio(v), KpiValue::Ratio(t)) => {
            let gap = (v.num * t.den - t.num * v.den).abs();
            Some(gap * PPM <= tol * v.den * t.den)
        }
        (KpiValue::Count(v), KpiValue::Count(t)) | (KpiValue::Fen(v), KpiValue::Fen(t)) => {
            let gap = (i128::from(*v) - i128::from(*t)).abs();
            Some(gap * PPM <= tol * i128::from(*t).abs())
        }
        _ => None,
    }
}

/// A formula's value and whether it came from typed inputs.
fn formula_value(key: &str, figures: KpiFigures<'_>, inputs: &Inputs) -> (Option<KpiValue>, bool) {
    let (f, previous) = (figures.year, figures.previous);
    let computed = |r: Option<Ratio>| (r.map(KpiValue::Ratio), false);
    match key {
        "coverage" => computed(over_input(f.contributing_members, inputs, "urban_employed")),
        "average_collection_growth" => computed(average_collection_growth(f, figures.baseline)),
        "cumulative_collection" => (Some(KpiValue::Fen(f.cumulative_collection_fen)), false),
        "per_capita_growth" => computed(previous.and_then(|p| ind::per_capita_growth(f, p))),
        "base_adjustment_rate" => computed(ind::base_adjustment_rate(f)),
        "employer_overdue_rate" => computed(ind::employer_overdue_rate(f)),
        "flexible_contributors" => (Some(KpiValue::Count(f.flexible_contributors)), false),
        "flexible_share" => computed(ind::flexible_share(f)),
        "flexible_medical_share" => computed(over_input(
            f.flexible_contributors,
            inputs,
            "flexible_medical_insured",
        )),
        "withdrawal_rate" => computed(ind::withdrawal_rate(f)),
        "housing_withdrawal_share" => computed(ind::housing_withdrawal_share(f)),
        "remote_loan_rate" => computed(ind::remote_loan_rate(f)),
        "overdue_rate" => computed(ind::overdue_rate(f)),
        "utilisation" => computed(ind::utilisation(f)),
        "reserve_adequacy" => computed(ind::reserve_adequacy(f)),
        "contactless_rate" => contactless(f, inputs),
        "legal_review_share" => counted_or_typed(
            (f.legal_reviewers, f.enforcement_staff),
            inputs,
            ("legal_reviewers", "enforcement_staff"),
        ),
        "complaint_mediation_rate" => counted_or_typed(
            (f.complaints_mediated, f.complaints_received),
            inputs,
            ("complaints_mediated", "complaints_received"),
        ),
        "hotline_satisfaction" => counted_or_typed(
            (f.hotline_satisfied, f.hotline_ratings),
            inputs,
            ("hotline_satisfied", "hotline_ratings"),
        ),
        "verified_complaint_rate" => counted_or_typed(
            (f.complaints_verified, f.complaints_received),
            inputs,
            ("complaints_verified", "complaints_received"),
        ),
        "loan_ratio" => computed(ind::loan_ratio(f)),
        "value_added_rate" => computed(ind::value_added_rate(f)),
        "housing_contribution_rate" => computed(ind::housing_contribution_rate(f)),
        _ => (None, false),
    }
}

/// K02 归集额年均增长率, the plan's "average a year" from the baseline:
/// (collection ÷ baseline collection)^(1/(year − baseline year)) − 1,
/// rounded to the basis point (see [`ind::average_growth`]). One year on
/// from the baseline it is the plain growth on that year.
fn average_collection_growth(f: &YearFigures, baseline: Option<&YearFigures>) -> Option<Ratio> {
    let baseline = baseline?;
    let years = u32::try_from(f.year - baseline.year).ok()?;
    ind::average_growth(f.collection_fen, baseline.collection_fen, years)
}

fn contactless(f: &YearFigures, inputs: &Inputs) -> (Option<KpiValue>, bool) {
    counted_or_typed(
        (f.online_transactions, f.all_transactions),
        inputs,
        ("online_transactions", "all_transactions"),
    )
}

/// A share counted from the records, (numerator, denominator), unless both
/// typed counts are entered: a year from before the records, or figures
/// kept elsewhere (the telephony vendor's survey). Typed wins, and says so.
fn counted_or_typed(
    counted: (i64, i64),
    inputs: &Inputs,
    keys: (&str, &str),
) -> (Option<KpiValue>, bool) {
    match (number(inputs, keys.0), number(inputs, keys.1)) {
        (Some(n), Some(d)) => (n.checked_div(d).map(KpiValue::Ratio), true),
        _ => (ind::ratio(counted.0, counted.1).map(KpiValue::Ratio), false),
    }
}

fn over_input(numerator: i64, inputs: &Inputs, key: &str) -> Option<Ratio> {
    Ratio::from_int(i128::from(numerator)).checked_div(number(inputs, key)?)
}

fn number(inputs: &Inputs, key: &str) -> Option<Ratio> {
    Ratio::parse_decimal(inputs.get(key)?).ok()
}

/// Manual inputs: one key is the value in the KPI's unit; two are first ÷ second.
fn input_value(keys: &[String], unit: KpiUnit, inputs: &Inputs) -> Option<KpiValue> {
    match keys {
        [one] => unit.parse_value(inputs.get(one)?).ok(),
        [a, b] => number(inputs, a)?
            .checked_div(number(inputs, b)?)
            .map(KpiValue::Ratio),
        _ => None,
    }
}

// ---- the catalogue file ----

/// Parses a plan catalogue; errors name the file, the KPI and the key.
pub fn parse_catalogue(file: &str, text: &str) -> DomainResult<PlanCatalogue> {
    let root: Table = text
        .parse()
        .map_err(|e: toml::de::Error| cat_error(file, "", "", e.message()))?;
    let mut top = Keys::new(file, "", &root);
    let cat = PlanCatalogue {
        id: top.str("id")?,
        name: top.str("name")?,
        baseline_year: top.year("baseline_year")?,
        first_year: top.year("first_year")?,
        last_year: top.year("last_year")?,
        kpis: kpis(file, &mut top)?,
    };
    top.finish()?;
    if !(cat.baseline_year < cat.first_year && cat.first_year <= cat.last_year) {
        return Err(cat_error(
            file,
            "",
            "first_year",
            "须满足 baseline_year < first_year ≤ last_year",
        ));
    }
    for k in &cat.kpis {
        if let Some(y) = k
            .path
            .keys()
            .find(|y| !(cat.first_year..=cat.last_year).contains(*y))
        {
            return Err(cat_error(file, &k.id, "path", &format!("{y} 不在规划期内")));
        }
    }
    Ok(cat)
}

fn kpis(file: &str, top: &mut Keys<'_>) -> DomainResult<Vec<KpiDef>> {
    let items = match top.take("kpi") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err(cat_error(file, "", "kpi", "须为非空的 [[kpi]] 列表")),
    };
    let mut out: Vec<KpiDef> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Table(table) = item else {
            return Err(cat_error(file, &format!("kpi[{i}]"), "", "须为表"));
        };
        let id = match table.get("id") {
            Some(Value::String(s)) => s.clone(),
            _ => format!("kpi[{i}]"),
        };
        let k = kpi(&mut Keys::new(file, &id, table))?;
        if out.iter().any(|x| x.id == k.id) {
            return Err(cat_error(file, &k.id, "id", "指标编号重复"));
        }
        out.push(k);
    }
    Ok(out)
}

fn kpi(r: &mut Keys<'_>) -> DomainResult<KpiDef> {
    let id = r.str("id")?;
    let name = r.str("name")?;
    let group = r.opt_str("group")?.unwrap_or_else(|| "其他".to_string());
    let unit_text = r.str("unit")?;
    let unit = KpiUnit::parse(&unit_text)
        .ok_or_else(|| r.error("unit", "须为 percent、permille、count、yuan_100m 或 grade"))?;
    let (comparison, strict) = comparison(r)?;
    let target_input = r.opt_str("target_input")?;
    let target = match &target_input {
        Some(_) => KpiValue::Text(r.str("target")?),
        None => r.value("target", unit)?,
    };
    let target_high = r.opt_value("target_high", unit)?;
    let tolerance_ppm = r.opt_int("tolerance_ppm")?.unwrap_or(0);
    let baseline = r.opt_value("baseline", unit)?;
    let path = r.path(unit)?;
    let source = source(r, unit)?;
    let note = r.opt_str("note")?.unwrap_or_default();
    let plausible = Plausible {
        min: r.opt_value("min", unit)?,
        max: r.opt_value("max", unit)?,
    };
    r.finish()?;
    let def = KpiDef {
        id,
        name,
        group,
        unit,
        comparison,
        target,
        target_high,
        tolerance_ppm,
        baseline,
        path,
        source,
        note,
        strict,
        target_input,
        plausible,
    };
    check_kpi(r, &def)?;
    Ok(def)
}

fn comparison(r: &mut Keys<'_>) -> DomainResult<(Comparison, bool)> {
    Ok(match r.str("comparison")?.as_str() {
        "at_least" => (Comparison::AtLeast, false),
        "above" => (Comparison::AtLeast, true),
        "at_most" => (Comparison::AtMost, false),
        "below" => (Comparison::AtMost, true),
        "band" => (Comparison::Band, false),
        "about" => (Comparison::About, false),
        "equals" => (Comparison::Equals, false),
        _ => {
            return Err(r.error(
                "comparison",
                "须为 at_least、above、at_most、below、band、about 或 equals",
            ));
        }
    })
}

fn source(r: &mut Keys<'_>, unit: KpiUnit) -> DomainResult<KpiSource> {
    let formula = r.opt_str("formula")?;
    let input = r.opt_str_list("input")?;
    match (formula, input) {
        (Some(f), None) if FORMULAS.contains(&f.as_str()) => Ok(KpiSource::Formula(f)),
        (Some(f), None) => Err(r.error("formula", &format!("未知的计算公式“{f}”"))),
        (None, Some(keys)) if keys.len() == 1 || (keys.len() == 2 && unit != KpiUnit::Grade) => {
            Ok(KpiSource::Input(keys))
        }
        (None, Some(_)) => Err(r.error("input", "须为一个输入项，或两个输入项（前者÷后者）")),
        _ => Err(r.error("formula", "formula 与 input 须有且仅有一个")),
    }
}

/// Rules that tie keys together.
fn check_kpi(r: &Keys<'_>, k: &KpiDef) -> DomainResult<()> {
    match k.comparison {
        Comparison::Band if k.target_high.is_none() => {
            Err(r.error("target_high", "区间比较须给出 target_high"))
        }
        Comparison::About if k.tolerance_ppm <= 0 => {
            Err(r.error("tolerance_ppm", "约等于比较须给出正的 tolerance_ppm"))
        }
        _ if let Some((key, message)) = implausible_plan(k) => Err(r.error(key, &message)),
        _ if !source_fits(&k.source, k.unit) => {
            Err(r.error("formula", &format!("计算结果与单位 {} 不符", k.unit.code())))
        }
        Comparison::Equals if k.unit != KpiUnit::Grade => {
            Err(r.error("comparison", "equals 只用于 grade 单位"))
        }
        _ if k.unit == KpiUnit::Grade && k.comparison != Comparison::Equals => {
            Err(r.error("comparison", "grade 单位只能用 equals"))
        }
        _ => Ok(()),
    }
}

/// A plan figure outside the KPI's own bounds (or bounds the wrong way
/// round): the key to name and why.
fn implausible_plan(k: &KpiDef) -> Option<(&'static str, String)> {
    let p = &k.plausible;
    if let (Some(min), Some(max)) = (&p.min, &p.max)
        && order(min, max) == Some(Ordering::Greater)
    {
        return Some(("min", "min 不能大于 max".to_string()));
    }
    let target = k.target_input.is_none().then_some(&k.target);
    let figures = target
        .into_iter()
        .chain(k.target_high.as_ref())
        .chain(k.path.values());
    figures.into_iter().find_map(|v| {
        let key = p.bound_crossed(v)?;
        let shown = plain(v.text(k.unit));
        Some((key, format!("规划值 {shown} 不在 min 至 max 的范围内")))
    })
}

/// Whether the source yields a value of the unit's kind: counts and money
/// come from their own formulas, grades only from a typed input.
fn source_fits(source: &KpiSource, unit: KpiUnit) -> bool {
    match source {
        KpiSource::Formula(key) => {
            let kind = match key.as_str() {
                "cumulative_collection" => KpiUnit::Yuan100m,
                "flexible_contributors" => KpiUnit::Count,
                _ => KpiUnit::Percent,
            };
            kind == unit || (kind == KpiUnit::Percent && unit == KpiUnit::Permille)
        }
        KpiSource::Input(keys) => {
            keys.len() == 1 || matches!(unit, KpiUnit::Percent | KpiUnit::Permille)
        }
    }
}

fn cat_error(file: &str, kpi: &str, key: &str, problem: &str) -> DomainError {
    let at = match (kpi.is_empty(), key.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!("{key}："),
        (false, true) => format!("指标 {kpi}："),
        (false, false) => format!("指标 {kpi} 的 {key}："),
    };
    DomainError::new("KPI_CATALOGUE_INVALID", format!("{file}：{at}{problem}"))
}

/// Reads one table key by key and refuses keys nobody read (a misspelt key
/// must not silently drop a target).
struct Keys<'a> {
    file: &'a str,
    kpi: &'a str,
    table: &'a Table,
    seen: Vec<&'static str>,
}

impl<'a> Keys<'a> {
    fn new(file: &'a str, kpi: &'a str, table: &'a Table) -> Self {
        Keys {
            file,
            kpi,
            table,
            seen: Vec::new(),
        }
    }

    fn error(&self, key: &str, problem: &str) -> DomainError {
        cat_error(self.file, self.kpi, key, problem)
    }

    fn take(&mut self, key: &'static str) -> Option<&'a Value> {
        self.seen.push(key);
        self.table.get(key)
    }

    fn opt_str(&mut self, key: &'static str) -> DomainResult<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(key, "须为字符串")),
        }
    }

    fn str(&mut self, key: &'static str) -> DomainResult<String> {
        self.opt_str(key)?
            .ok_or_else(|| self.error(key, "缺少此项"))
    }

    fn opt_int(&mut self, key: &'static str) -> DomainResult<Option<i64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Integer(n)) => Ok(Some(*n)),
            Some(_) => Err(self.error(key, "须为整数")),
        }
    }

    fn year(&mut self, key: &'static str) -> DomainResult<i32> {
        let n = self
            .opt_int(key)?
            .ok_or_else(|| self.error(key, "缺少此项"))?;
        i32::try_from(n)
            .ok()
            .filter(|y| (1900..=2199).contains(y))
            .ok_or_else(|| self.error(key, "年份须在1900至2199之间"))
    }

    fn opt_str_list(&mut self, key: &'static str) -> DomainResult<Option<Vec<String>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| self.error(key, "须为字符串列表")),
            Some(_) => Err(self.error(key, "须为字符串列表")),
        }
    }

    fn opt_value(&mut self, key: &'static str, unit: KpiUnit) -> DomainResult<Option<KpiValue>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(text) => unit
                .parse_value(&text)
                .map(Some)
                .map_err(|e| self.error(key, &format!("“{text}”无效：{}", e.message()))),
        }
    }

    fn value(&mut self, key: &'static str, unit: KpiUnit) -> DomainResult<KpiValue> {
        self.opt_value(key, unit)?
            .ok_or_else(|| self.error(key, "缺少此项"))
    }

    /// `path = { "2021" = "74", … }`: year → value in the KPI's unit.
    fn path(&mut self, unit: KpiUnit) -> DomainResult<BTreeMap<i32, KpiValue>> {
        let table = match self.take("path") {
            None => return Ok(BTreeMap::new()),
            Some(Value::Table(t)) => t,
            Some(_) => return Err(self.error("path", "须为 { \"年份\" = \"数值\" } 表")),
        };
        let mut out = BTreeMap::new();
        for (year, v) in table {
            let y: i32 = year
                .parse()
                .map_err(|_| self.error("path", &format!("“{year}”不是年份")))?;
            let text = v
                .as_str()
                .ok_or_else(|| self.error("path", &format!("{year} 的值须为字符串")))?;
            let value = unit.parse_value(text).map_err(|e| {
                self.error("path", &format!("{year}：“{text}”无效：{}", e.message()))
            })?;
            out.insert(y, value);
        }
        Ok(out)
    }

    fn finish(&self) -> DomainResult<()> {
        match self.table.keys().find(|k| !self.seen.contains(&k.as_str())) {
            Some(unknown) => Err(self.error(unknown, "不是可识别的键")),
            None => Ok(()),
        }
    }
}
