//! The assistant's full-text index: the articles in an in-memory tantivy
//! index, segmented by jieba with the fund's own words added. A question
//! is segmented the same way and searched as a disjunction of its words
//! (with synonyms), title words counting more than body words: Chinese has
//! no spaces, so the query parser would read a whole question as one
//! phrase and find nothing unless the words stood in that order.

use crate::{AppError, AppResult};
use anju_domain::assistant::Article;
use jieba_rs::Jieba;
use std::sync::{Arc, OnceLock};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, ReloadPolicy, Term, doc};

/// The tokenizer's name in the index.
const ZH: &str = "anju_zh";
/// A word in the title (or another phrasing of it) counts this much more
/// than one in the body.
const TITLE_BOOST: f32 = 2.5;

/// Words of the fund the built-in dictionary splits wrongly or not at all.
const FUND_WORDS: &[&str] = &[
    "住房公积金",
    "公积金",
    "缴存基数",
    "缴存比例",
    "月缴存额",
    "租房提取",
    "购房提取",
    "还贷提取",
    "委托提取",
    "转移接续",
    "提前还款",
    "组合贷款",
    "异地贷款",
    "灵活就业",
    "缓缴",
    "补缴",
    "汇缴",
    "封存",
    "销户",
    "结息",
    "电子证明",
    "好差评",
    "加装电梯",
    "物业费",
    "转人工",
    "等额本息",
    "等额本金",
    "首付",
    "月供",
    "罚息",
    "增员",
    "减员",
    "个税",
    "个人所得税",
    "银行卡",
];

/// Words that say nothing about what is asked.
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "么",
    "是",
    "我",
    "我的",
    "你",
    "您",
    "要",
    "想",
    "请问",
    "怎么",
    "怎么办",
    "怎样",
    "如何",
    "什么",
    "哪些",
    "可以",
    "能",
    "能否",
    "能不能",
    "会",
    "有",
    "在",
    "和",
    "与",
    "或",
    "及",
    "都",
    "就",
    "这",
    "那",
    "一个",
    "个",
    "给",
    "吗？",
    "多少",
    "啥",
    "咋",
    "办",
    "办理",
    "需要",
    "用",
    "东西",
    "到底",
];

/// A word of a question and the words it also means (the title and body
/// use the fund's words; people use their own).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("取", &["提取"]),
    ("取出", &["提取"]),
    ("取出来", &["提取"]),
    ("拿出来", &["提取"]),
    ("提现", &["提取"]),
    ("房贷", &["贷款", "还贷"]),
    ("贷", &["贷款"]),
    ("买房", &["购房", "购买", "住房"]),
    ("买房子", &["购房", "购买", "住房"]),
    ("租房子", &["租房"]),
    ("房租", &["租房"]),
    ("交", &["缴存"]),
    ("缴", &["缴存"]),
    ("辞职", &["离职"]),
    ("跳槽", &["离职"]),
    ("换工作", &["离职", "转移"]),
    ("利息", &["结息", "利率"]),
    ("退休", &["离休"]),
    ("出国", &["出境"]),
    ("去世", &["死亡"]),
    ("过世", &["死亡"]),
    ("公司", &["单位"]),
    ("企业", &["单位"]),
    ("员工", &["职工"]),
    ("密码", &["登录"]),
    ("真假", &["真伪", "核验"]),
    ("客服", &["人工"]),
    ("电话", &["热线"]),
    ("外地", &["异地"]),
    ("还钱", &["还款"]),
    // 还 is also "still"; as "repay" it must find the repayment articles.
    ("还", &["还款", "还贷"]),
    ("最高", &["上限"]),
    ("最低", &["下限"]),
    ("个税", &["个人所得税"]),
    ("卡", &["银行卡"]),
    ("自建", &["建造"]),
    ("审批", &["审核"]),
];

/// The segmenter, with the fund's words, made once (loading the
/// dictionary takes a while).
fn jieba() -> Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA
        .get_or_init(|| {
            let mut jieba = Jieba::new();
            for word in FUND_WORDS {
                jieba.add_word(word, Some(20_000), None);
            }
            Arc::new(jieba)
        })
        .clone()
}

/// The words of `text` as the index keeps them: segmented for search (a
/// long word also gives its shorter words), lower-cased, punctuation and
/// stop words left out.
pub fn words(text: &str) -> Vec<String> {
    jieba()
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| t.word.trim().to_lowercase())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// The jieba tokenizer tantivy calls when it indexes a field.
#[derive(Clone)]
struct ChineseTokenizer;

struct Words {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Words {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = Words;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Words {
        let tokens = jieba()
            .cut_for_search(text, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .filter(|t| !STOP_WORDS.contains(&t.word))
            .enumerate()
            .map(|(position, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: t.word.to_lowercase(),
                position_length: 1,
            })
            .collect();
        Words { tokens, next: 0 }
    }
}

/// One article found for a question, with its relevance (BM25; not money).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub article: Article,
    pub score: f32,
}

/// The articles and their index.
pub struct KnowledgeIndex {
    articles: Vec<Article>,
    title: Field,
    body: Field,
    position: Field,
    reader: IndexReader,
}

fn search_failed(e: tantivy::TantivyError) -> AppError {
    AppError::Io(format!("assistant index: {e}"))
}

impl KnowledgeIndex {
    /// Indexes `articles` in memory.
    pub fn build(articles: Vec<Article>) -> AppResult<Self> {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ZH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", text.clone());
        let body = schema.add_text_field("body", text);
        let position = schema.add_u64_field("position", INDEXED | STORED);
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register(ZH, TextAnalyzer::builder(ChineseTokenizer).build());
        let mut writer = index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
            .map_err(search_failed)?;
        for (i, a) in articles.iter().enumerate() {
            let mut document = doc!(title => a.title.as_str(), body => a.body.as_str(),
                position => i as u64);
            for also in &a.also {
                document.add_text(title, also);
            }
            writer.add_document(document).map_err(search_failed)?;
        }
        writer.commit().map_err(search_failed)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(search_failed)?;
        Ok(KnowledgeIndex {
            articles,
            title,
            body,
            position,
            reader,
        })
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The `limit` articles that best answer `question`, best first; none
    /// when no word of it is known.
    pub fn search(&self, question: &str, limit: usize) -> AppResult<Vec<Hit>> {
        let mut terms = words(question);
        let extra: Vec<String> = terms
            .iter()
            .flat_map(|w| synonyms(w))
            .map(|w| w.to_string())
            .collect();
        terms.extend(extra);
        terms.sort();
        terms.dedup();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(terms.len() * 2);
        for word in &terms {
            for (field, boost) in [(self.title, TITLE_BOOST), (self.body, 1.0)] {
                let term = TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost)),
                ));
            }
        }
        let searcher = self.reader.searcher();
        let found = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit).order_by_score(),
            )
            .map_err(search_failed)?;
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let document: tantivy::TantivyDocument =
                searcher.doc(address).map_err(search_failed)?;
            let at = document
                .get_first(self.position)
                .and_then(|v| v.as_u64())
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| self.articles.get(p));
            if let Some(article) = at {
                hits.push(Hit {
                    article: article.clone(),
                    score,
                });
            }
        }
        Ok(hits)
    }
}

/// Words nearly every article holds: alone they do not make an article
/// the answer.
const GENERIC_WORDS: &[&str] = &[
    "住房公积金",
    "公积金",
    "公积",
    "积金",
    "住房",
    "住房公积",
    "中心",
    "管理中心",
];

impl KnowledgeIndex {
    /// The articles that answer `question`: the best `limit`, or none when
    /// the best is not relevant enough — below `min_score`, or sharing no
    /// word with the question but the fund's name (a question about
    /// something else that mentions 公积金).
    pub fn answers(&self, question: &str, limit: usize, min_score: f32) -> AppResult<Vec<Hit>> {
        let hits = self.search(question, limit)?;
        let Some(best) = hits.first() else {
            return Ok(hits);
        };
        let specific: Vec<String> = words(question)
            .into_iter()
            .filter(|w| !GENERIC_WORDS.contains(&w.as_str()))
            .flat_map(|w| {
                let also = synonyms(&w).iter().map(|s| s.to_string());
                std::iter::once(w.clone()).chain(also).collect::<Vec<_>>()
            })
            .collect();
        let a = &best.article;
        let shares = |w: &String| {
            a.title.contains(w.as_str())
                || a.body.contains(w.as_str())
                || a.also.iter().any(|t| t.contains(w.as_str()))
        };
        if best.score < min_score || !(specific.is_empty() || specific.iter().any(shares)) {
            return Ok(Vec::new());
        }
        Ok(hits)
    }
}

fn synonyms(word: &str) -> &'static [&'static str] {
    SYNONYMS
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(&[], |(_, also)| also)
}
