//! The help centre: articles (Markdown with front matter) in en, sv and de, split into
//! paragraphs that stand on their own, found by hybrid retrieval: tantivy BM25 with a
//! stemmer per language plus MiniLM cosine similarity, fused by reciprocal rank fusion.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;
use serde::Deserialize;
use tandem_nlu::encoder::EmbeddingSpec;
use tandem_nlu::{Encoder, Progress, cosine};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument};

use crate::language::Lang;

/// Acme Pay's own help centre, built into the binary.
#[derive(RustEmbed)]
#[folder = "kb/"]
struct Builtin;

/// RRF's damping constant (Cormack et al. 2009 use 60).
const RRF_K: f32 = 60.0;
/// How many candidates each retriever contributes to the fusion.
const CANDIDATES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("{}: {why}", path.display())]
    Article { path: PathBuf, why: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: no articles (*.md files with front matter) found")]
    Empty(PathBuf),
    #[error("building the search index failed: {0}")]
    Index(String),
    #[error(transparent)]
    Nlu(#[from] tandem_nlu::NluError),
}

/// One help-centre article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub lang: Lang,
    pub url: String,
    pub tags: Vec<String>,
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    language: String,
    url: String,
    #[serde(default)]
    tags: Vec<String>,
}

impl Article {
    /// Parses one Markdown file: front matter between `---` lines, then the body.
    pub fn parse(source: &str) -> Result<Self, String> {
        let source = source
            .strip_prefix('\u{feff}')
            .unwrap_or(source)
            .replace("\r\n", "\n");
        let rest = source
            .strip_prefix("---\n")
            .ok_or("the file must start with front matter between `---` lines")?;
        let end = rest
            .find("\n---")
            .ok_or("the front matter has no closing `---` line")?;
        let (front, body) = (&rest[..end], &rest[end + 4..]);
        let front: FrontMatter =
            yaml_serde::from_str(front).map_err(|e| format!("front matter: {e}"))?;
        let lang = Lang::parse(&front.language).ok_or_else(|| {
            format!(
                "language `{}`: only en, sv and de are supported",
                front.language
            )
        })?;
        let body = body.trim().to_owned();
        if front.id.trim().is_empty() || front.title.trim().is_empty() {
            return Err("front matter: `id` and `title` must not be empty".into());
        }
        if body.is_empty() {
            return Err("the article has no text after the front matter".into());
        }
        Ok(Self {
            id: front.id,
            title: front.title,
            lang,
            url: front.url,
            tags: front.tags,
            body,
        })
    }

    /// The paragraphs: blocks separated by blank lines (a list stays with its lead-in).
    pub fn paragraphs(&self) -> Vec<String> {
        self.body
            .split("\n\n")
            .map(|p| p.trim())
            .filter(|p| !p.is_empty() && !p.starts_with('#'))
            .map(str::to_owned)
            .collect()
    }
}

/// Reads every `*.md` under `dir` (recursively). The error names the file and the fault.
pub fn read_dir(dir: &Path) -> Result<Vec<Article>, KbError> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let mut articles = Vec::new();
    for path in files {
        let text = std::fs::read(&path).map_err(|source| KbError::Io {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8(text).map_err(|_| KbError::Article {
            path: path.clone(),
            why: "not valid UTF-8".into(),
        })?;
        articles.push(Article::parse(&text).map_err(|why| KbError::Article { path, why })?);
    }
    if articles.is_empty() {
        return Err(KbError::Empty(dir.to_owned()));
    }
    let mut seen = HashMap::new();
    for article in &articles {
        if let Some(_previous) = seen.insert((article.id.clone(), article.lang), ()) {
            return Err(KbError::Article {
                path: dir.to_owned(),
                why: format!(
                    "two articles have id `{}` in `{}`",
                    article.id,
                    article.lang.code()
                ),
            });
        }
    }
    Ok(articles)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), KbError> {
    let entries = std::fs::read_dir(dir).map_err(|source| KbError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let path = entry
            .map_err(|source| KbError::Io {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    Ok(())
}

/// Acme Pay's built-in articles.
pub fn builtin() -> Vec<Article> {
    let mut names: Vec<_> = Builtin::iter().filter(|n| n.ends_with(".md")).collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let file = Builtin::get(&name).expect("listed by iter");
            let text = std::str::from_utf8(&file.data).expect("built-in articles are UTF-8");
            Article::parse(text).unwrap_or_else(|e| panic!("built-in article {name}: {e}"))
        })
        .collect()
}

/// A paragraph of an article, the unit retrieval returns.
#[derive(Debug, Clone)]
pub struct Passage {
    pub article: usize,
    pub text: String,
}

/// A retrieved passage.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub article: &'a Article,
    pub passage: &'a Passage,
    /// Reciprocal-rank-fusion score.
    pub score: f32,
    /// Cosine similarity to the question (when embeddings are on).
    pub similarity: Option<f32>,
    /// BM25 rank (0 = best), if BM25 found it.
    pub bm25_rank: Option<usize>,
}

/// The searchable help centre.
pub struct HelpCentre {
    articles: Vec<Article>,
    passages: Vec<Passage>,
    embeddings: Option<Vec<Vec<f32>>>,
    index: Index,
    reader: IndexReader,
    fields: HashMap<Lang, tantivy::schema::Field>,
    passage_field: tantivy::schema::Field,
}

impl std::fmt::Debug for HelpCentre {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelpCentre")
            .field("articles", &self.articles.len())
            .field("passages", &self.passages.len())
            .field("dense", &self.embeddings.is_some())
            .finish()
    }
}

fn analyzer(lang: Lang) -> TextAnalyzer {
    let language = match lang {
        Lang::En => Language::English,
        Lang::Sv => Language::Swedish,
        Lang::De => Language::German,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(language))
        .build()
}

fn index_error(e: impl std::fmt::Display) -> KbError {
    KbError::Index(e.to_string())
}

impl HelpCentre {
    /// Indexes `articles`; with an encoder every passage is embedded too.
    pub fn build(
        articles: Vec<Article>,
        encoder: Option<&Encoder>,
        progress: &dyn Progress,
    ) -> Result<Self, KbError> {
        let mut schema = Schema::builder();
        let mut fields = HashMap::new();
        for lang in Lang::ALL {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&format!("text_{}", lang.code()))
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            fields.insert(
                lang,
                schema.add_text_field(&format!("text_{}", lang.code()), options),
            );
        }
        let passage_field = schema.add_u64_field("passage", NumericOptions::default().set_stored());
        let index = Index::create_in_ram(schema.build());
        for lang in Lang::ALL {
            index
                .tokenizers()
                .register(&format!("text_{}", lang.code()), analyzer(lang));
        }
        let mut passages = Vec::new();
        for (i, article) in articles.iter().enumerate() {
            for text in article.paragraphs() {
                passages.push(Passage { article: i, text });
            }
        }
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .map_err(index_error)?;
        for (i, passage) in passages.iter().enumerate() {
            let article = &articles[passage.article];
            let mut doc = TantivyDocument::default();
            // The title rides along with every paragraph: it names the subject.
            doc.add_text(
                fields[&article.lang],
                format!("{}\n{}", article.title, passage.text),
            );
            doc.add_u64(passage_field, i as u64);
            writer.add_document(doc).map_err(index_error)?;
        }
        writer.commit().map_err(index_error)?;
        let reader = index.reader().map_err(index_error)?;
        let embeddings = match encoder {
            Some(encoder) => {
                let texts: Vec<String> = passages
                    .iter()
                    .map(|p| format!("{}. {}", articles[p.article].title, p.text))
                    .collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                Some(tandem_nlu::classifier::features_all(
                    encoder,
                    &texts,
                    &EmbeddingSpec::sentence(tandem_nlu::encoder::MAX_TOKENS),
                    progress,
                )?)
            }
            None => None,
        };
        Ok(Self {
            articles,
            passages,
            embeddings,
            index,
            reader,
            fields,
            passage_field,
        })
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn passages(&self) -> &[Passage] {
        &self.passages
    }

    /// True when dense retrieval is on.
    pub fn is_hybrid(&self) -> bool {
        self.embeddings.is_some()
    }

    fn bm25(&self, query: &str, lang: Lang) -> Vec<usize> {
        let parser = QueryParser::for_index(&self.index, vec![self.fields[&lang]]);
        // Query syntax characters in customer text are words, not operators.
        let cleaned: String = query
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let (query, _errors) = parser.parse_query_lenient(&cleaned);
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())
        else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                use tantivy::schema::document::Value;
                doc.get_first(self.passage_field)
                    .and_then(|v| v.as_u64())
                    .map(|i| i as usize)
            })
            .collect()
    }

    /// The best passages in `lang` for `query`, best first, one per article. Pass the query's embedding
    /// (same encoder) for hybrid retrieval.
    pub fn search(
        &self,
        query: &str,
        embedding: Option<&[f32]>,
        lang: Lang,
        k: usize,
    ) -> Vec<Hit<'_>> {
        let mut fused: HashMap<usize, (f32, Option<usize>)> = HashMap::new();
        for (rank, passage) in self.bm25(query, lang).into_iter().enumerate() {
            let entry = fused.entry(passage).or_default();
            entry.0 += 1.0 / (RRF_K + rank as f32 + 1.0);
            entry.1 = Some(rank);
        }
        let mut similarity = HashMap::new();
        if let (Some(vectors), Some(q)) = (&self.embeddings, embedding) {
            let mut dense: Vec<(usize, f32)> = vectors
                .iter()
                .enumerate()
                .filter(|(i, _)| self.articles[self.passages[*i].article].lang == lang)
                .map(|(i, v)| (i, cosine(q, v)))
                .collect();
            dense.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (rank, (passage, sim)) in dense.into_iter().take(CANDIDATES).enumerate() {
                fused.entry(passage).or_default().0 += 1.0 / (RRF_K + rank as f32 + 1.0);
                similarity.insert(passage, sim);
            }
        }
        let mut ranked: Vec<(usize, f32, Option<usize>)> = fused
            .into_iter()
            .map(|(p, (score, rank))| (p, score, rank))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // The best paragraph of each article: k hits are k different articles.
        let mut seen = std::collections::HashSet::new();
        ranked
            .into_iter()
            .filter(|(p, _, _)| seen.insert(self.passages[*p].article))
            .take(k)
            .map(|(p, score, bm25_rank)| Hit {
                article: &self.articles[self.passages[p].article],
                passage: &self.passages[p],
                score,
                similarity: similarity.get(&p).copied().or_else(|| {
                    let vectors = self.embeddings.as_ref()?;
                    Some(cosine(embedding?, &vectors[p]))
                }),
                bm25_rank,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_help_centre_has_every_article_in_every_language() {
        let articles = builtin();
        for lang in Lang::ALL {
            let ids: Vec<&str> = articles
                .iter()
                .filter(|a| a.lang == lang)
                .map(|a| a.id.as_str())
                .collect();
            assert!(ids.len() >= 18, "{lang:?}: {}", ids.len());
            for id in [
                "extend-due-date",
                "report-return",
                "open-dispute",
                "refund-status",
                "talk-to-a-person",
            ] {
                assert!(ids.contains(&id), "{lang:?} lacks {id}");
            }
        }
        for article in &articles {
            assert!(
                article.url.contains(&format!("/{}/", article.lang.code())),
                "{}",
                article.url
            );
            assert!(!article.paragraphs().is_empty());
        }
    }

    #[test]
    fn bad_articles_get_clear_errors() {
        assert!(
            Article::parse("no front matter")
                .unwrap_err()
                .contains("front matter")
        );
        assert!(
            Article::parse("---\nid: a\n")
                .unwrap_err()
                .contains("closing")
        );
        let e =
            Article::parse("---\nid: a\ntitle: T\nlanguage: fr\nurl: u\n---\nText").unwrap_err();
        assert!(e.contains("only en, sv and de"), "{e}");
        let e = Article::parse("---\nid: a\ntitle: T\nlanguage: en\nurl: u\n---\n").unwrap_err();
        assert!(e.contains("no text"), "{e}");
        let e = Article::parse("---\nid: a\ntitle: T\nlanguage: en\nurl: u\ncolour: red\n---\nx")
            .unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn bm25_alone_finds_the_right_article_per_language() {
        let kb = HelpCentre::build(builtin(), None, &tandem_nlu::Quiet).unwrap();
        let cases = [
            (
                Lang::En,
                "how long until I get my money back after a refund",
                "refund-status",
            ),
            (Lang::En, "can I postpone my due date", "extend-due-date"),
            (
                Lang::Sv,
                "hur lång tid tar återbetalningen",
                "refund-status",
            ),
            (Lang::De, "wie lange dauert die Erstattung", "refund-status"),
            (Lang::De, "Konto löschen", "delete-account"),
        ];
        for (lang, query, want) in cases {
            let hits = kb.search(query, None, lang, 3);
            let found: Vec<&str> = hits.iter().map(|h| h.article.id.as_str()).collect();
            assert!(found.contains(&want), "{query}: {found:?}");
            assert!(hits.iter().all(|h| h.article.lang == lang));
        }
    }
}
