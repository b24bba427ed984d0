//! `anxuan new <column> <slug>`: a content file in a column's folder, its
//! front matter filled for the column's kind with today's date and
//! placeholders. New files start as drafts.

use std::path::Path;

use crate::cli::NewArgs;
use crate::config::{Config, Kind};
use crate::content::slug::slugify;
use crate::dates::{self, SiteTz};
use crate::error::{Error, Result};
use crate::pipeline;
use crate::shell::Shell;

pub(crate) fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The text of a new file of `kind`, dated `today` (`YYYY-MM-DD`).
pub fn template(kind: Kind, title: Option<&str>, today: &str, cfg: &Config) -> String {
    let title = |placeholder: &str| quote(title.unwrap_or(placeholder));
    let area = cfg.areas.first().map(|a| a.name.as_str()).unwrap_or("社区");
    match kind {
        Kind::Notice => format!(
            "---\ntitle: {}\ndate: {today}\nissuer: \"（发布单位）\"\nvalid_until: {today}   # 有效期至；长期有效请删除此行\nattachments: []   # 附件，例如 [files/值班表.xlsx]\nfive_into: [{area}]\ndraft: true   # 准备发布时删除此行\n---\n\n各社区、村，辖区各单位：\n\n正文……\n",
            title("（请填写通知标题）")
        ),
        Kind::Document => format!(
            "---\ntitle: {}\ndate: {today}\nwritten: {today}   # 成文日期\ndoc_no: \"（文号，例如 某某〔2026〕1号）\"\nissuer: \"（发文机关）\"\ntopic: 安全生产监管\nform: 通知\nstatus: 有效\nattachments: []\ndraft: true   # 准备发布时删除此行\n---\n\n## 一、总则\n\n……\n",
            title("（请填写文件标题）")
        ),
        Kind::Article => format!(
            "---\ntitle: {}\ndate: {today}\nsource: \"（来源单位）\"\nauthor: \"（作者）\"\neditor: \"（责任编辑）\"\nfive_into: [{area}]\ntags: []\ndraft: true   # 准备发布时删除此行\n---\n\n（第一段会作为摘要显示在列表中。）\n\n## 一、主要做法\n\n正文……\n",
            title("（请填写标题）")
        ),
        Kind::Drill => {
            let drill_type = cfg
                .drill_types
                .first()
                .map(String::as_str)
                .unwrap_or("综合演练");
            format!(
                "---\ntitle: {}\ndate: {today}\nstart: {today} 09:00\nend: {today} 11:00\nlocation: \"（演练地点）\"\naddress: \"（详细地址）\"\norganizer: \"（组织单位）\"\ndrill_type: {drill_type}\nparticipants: 0\naudience: \"（参加对象）\"\n# bring: 身份证、湿毛巾   # 参加人员需携带的物品（打印张贴时列出），不需要时删去\ncontact: \"（联系人及电话）\"\nfive_into: [{area}]\ndraft: true   # 准备发布时删除此行\n---\n\n## 演练目的\n\n……\n\n## 演练流程\n\n1. 09:00 发出警报\n2. ……\n\n## 注意事项\n\n……\n",
                title("（请填写演练名称）")
            )
        }
        Kind::Case => format!(
            "---\ntitle: {}\ndate: {today}\naccident_date: {today}\nplace: \"（事故地点）\"\nindustry: \"（行业）\"\naccident_type: 其他伤害\ndeaths: 0\nserious_injuries: 0\ninjuries: 0\ndirect_loss_wan: 0\ncauses: [\"（直接原因）\"]\nlessons: [\"（警示教训）\"]\nfive_into: [{area}]\ndraft: true   # 准备发布时删除此行\n---\n\n## 事故经过\n\n……\n\n## 原因分析\n\n……\n\n## 警示\n\n……\n",
            title("（请填写案例标题）")
        ),
        Kind::Page => format!(
            "---\ntitle: {}\n---\n\n正文……\n",
            title("（请填写页面标题）")
        ),
    }
}

/// The column `arg` names: its folder, or (as before columns) a kind,
/// meaning the first column of that kind.
fn column_of(cfg: &Config, arg: &str) -> Result<usize> {
    cfg.column_of(arg)
        .or_else(|| {
            let kind = Kind::from_name(arg)?;
            cfg.columns.iter().position(|c| c.kind == kind)
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "`{arg}` is not a column of the site; one of: {}",
                cfg.columns
                    .iter()
                    .map(|c| format!("{} ({})", c.folder, c.title))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

pub fn run(shell: &Shell, root: &Path, args: &NewArgs) -> Result<()> {
    let cfg = match pipeline::load_config(root) {
        Ok(c) => c,
        Err(diags) => {
            let n = super::report(shell, &diags);
            return Err(Error::Site(n));
        }
    };
    let slug = slugify(&args.slug);
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` cannot be used as a file name; use letters, digits or Chinese characters",
            args.slug
        )));
    }
    let column = &cfg.columns[column_of(&cfg, &args.column)?];
    let today = dates::today(dates::wall_clock(), &cfg.tz);
    let rel = format!("content/{}/{slug}.md", column.folder);
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!(
            "{rel} already exists; choose another name"
        )));
    }
    create_file(
        &path,
        &template(column.kind, args.title.as_deref(), &today, &cfg),
    )?;
    shell.status(
        "Created",
        &format!(
            "{rel} (draft: true — preview with `anxuan build --drafts`, remove the line to publish)"
        ),
    );
    Ok(())
}

pub(crate) fn create_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| Error::io(path, e))
}

/// Today in Asia/Shanghai, for `init` (before a site.yaml exists).
pub(crate) fn today_default() -> String {
    SiteTz::new("Asia/Shanghai")
        .map(|tz| dates::today(dates::wall_clock(), &tz))
        .unwrap_or_else(|_| "2025-01-01".into())
}
