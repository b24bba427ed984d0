//! Documents (政策文件 / 应急预案 / 规范性文件): a 文号, an issuer and the
//! 信息公开 metadata government sites show, a validity status, the
//! document that replaced it and the article that explains it.
//!
//! Imports: `config`, `dates`, `error`, `yaml`, the parent's helpers.
//!
//! Invariants: `issuer` and `date` are present; `status` is one of the four.
//! (A 文号 whose year is not in 〔〕 is `check`'s rule `doc-no`.)

use super::attachment::{self, Attachment};
use crate::config::Config;
use crate::dates::When;
use crate::error::{Diagnostic, Span};
use crate::yaml::Fields;

pub const KEYS: &[&str] = &[
    "date",
    "written",
    "doc_no",
    "index_no",
    "issuer",
    "topic",
    "form",
    "status",
    "replaced_by",
    "interpretation",
    "attachments",
];

/// 有效性
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocStatus {
    Valid,
    Invalid,
    Repealed,
    Revised,
}

impl DocStatus {
    pub const ALL: [DocStatus; 4] = [
        DocStatus::Valid,
        DocStatus::Invalid,
        DocStatus::Repealed,
        DocStatus::Revised,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DocStatus::Valid => "有效",
            DocStatus::Invalid => "失效",
            DocStatus::Repealed => "废止",
            DocStatus::Revised => "修订",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DocStatus::Valid => "valid",
            DocStatus::Invalid => "invalid",
            DocStatus::Repealed => "repealed",
            DocStatus::Revised => "revised",
        }
    }
}

/// A front-matter `@/` link to another page, resolved by the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRef {
    /// The path after `@/`: `documents/2026-plan.md`.
    pub path: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 成文日期
    pub written: Option<When>,
    /// 文号
    pub doc_no: Option<String>,
    /// 索引号
    pub index_no: Option<String>,
    /// 发文机关
    pub issuer: String,
    /// 主题分类
    pub topic: Option<String>,
    /// 体裁: 通知、意见、办法、预案…
    pub form: Option<String>,
    pub status: DocStatus,
    pub replaced_by: Option<PageRef>,
    /// The 解读 article.
    pub interpretation: Option<PageRef>,
    pub attachments: Vec<Attachment>,
}

fn page_ref(f: &mut Fields<'_>, key: &str) -> Option<PageRef> {
    let node = f.get(key)?;
    let text = f.string(key)?;
    match text.trim().strip_prefix("@/") {
        Some(path) if !path.is_empty() => Some(PageRef {
            path: path.to_owned(),
            span: f.span_of(node),
        }),
        _ => {
            f.error(
                node,
                format!("`{key}` must be an `@/` link to a page of the site"),
                format!("例如 `{key}: \"@/documents/2026-应急预案.md\"`（content/ 下的文件路径）"),
            );
            None
        }
    }
}

/// Reads the document-only fields; returns the document, its date and its
/// warnings.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> (Option<Document>, Option<When>, Vec<Diagnostic>) {
    let date = super::required_when(f, "date", cfg, "2026-06-01");
    let written = super::when_field(f, "written", cfg);
    let text = |f: &mut Fields<'_>, key: &str| {
        f.string(key)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let doc_no = text(f, "doc_no");
    let index_no = text(f, "index_no");
    let issuer = f
        .required_string("issuer", "临江区应急管理局")
        .map(|s| s.trim().to_owned());
    let topic = text(f, "topic");
    let form = text(f, "form");
    let status_node = f.get("status");
    let status = match (text(f, "status"), status_node) {
        (None, _) => Some(DocStatus::Valid),
        (Some(s), node) => match DocStatus::ALL.into_iter().find(|d| d.label() == s) {
            Some(d) => Some(d),
            None => {
                if let Some(n) = node {
                    f.error(
                        n,
                        format!("unknown document status `{s}`"),
                        "status 可填：有效（默认）、失效、废止、修订",
                    );
                }
                None
            }
        },
    };
    let replaced_by = page_ref(f, "replaced_by");
    let interpretation = page_ref(f, "interpretation");
    let attachments = attachment::read(f);
    let doc = match (issuer, status) {
        (Some(issuer), Some(status)) => Some(Document {
            written,
            doc_no,
            index_no,
            issuer,
            topic,
            form,
            status,
            replaced_by,
            interpretation,
            attachments,
        }),
        _ => None,
    };
    (doc, date, Vec::new())
}
