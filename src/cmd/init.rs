//! `anxuan init DIR` (or `anxuan --root DIR init`): a new site with
//! site.yaml (its columns written out), a draft in each column saying what
//! to replace, and a .gitignore. No theme is copied: the default theme is
//! built in.

use std::path::Path;

use crate::cli::InitArgs;
use crate::config::{Config, Kind, split_base_url};
use crate::error::{Error, Result};
use crate::shell::Shell;

const SITE_YAML: &str = r#"# 站点配置。完整说明见 anxuan 的 README。
title: {title}
description: 安全生产“五进”宣传：进企业、进农村、进社区、进学校、进家庭。
# 网站正式网址；部署在子目录时写完整路径，例如 https://www.example.gov.cn/aq/
base_url: {base_url}
language: zh-CN
timezone: Asia/Shanghai
paginate: 20
hotline: "12350"
# 打印张贴的告示底部列出的电话（全国统一号码直接写；其他号码写“名称 号码”）
emergency_numbers: [119, 110, 120]
areas:
  - { name: 企业, slug: enterprise }
  - { name: 农村, slug: village }
  - { name: 社区, slug: community }
  - { name: 学校, slug: school }
  - { name: 家庭, slug: family }
# 栏目：content/ 下的文件夹（也是网址的一段）、名称和内容类型；顺序即导航顺序。
# kind 可选 article（文章）、notice（通知公告）、document（政策文件）、drill（应急演练）、
# case（警示案例）、page（单页）。
columns:
  - { folder: notices, title: 通知公告, kind: notice }
  - { folder: articles, title: 工作动态, kind: article }
  - { folder: knowledge, title: 安全知识, kind: article, description: 燃气、用电、消防、防汛等身边安全常识。 }
  - { folder: documents, title: 政策文件, kind: document }
  - { folder: drills, title: 应急演练, kind: drill }
  - { folder: cases, title: 警示案例, kind: case }
  - { folder: pages, title: 页面, kind: page }
footer:
  organizer: 某某街道办事处
  contact: "电话：0000-00000000"
  # icp: 某ICP备00000000号
  # police_record: 某公网安备 00000000000000号
  # site_code: "0000000000"
  # error_report_url: https://zfwzzc.www.gov.cn/
"#;

/// What git should not keep: the built site and the image cache.
const GITIGNORE: &str = "/public/\n/.anxuan-cache/\n";

pub fn run(shell: &Shell, root: Option<&Path>, args: &InitArgs) -> Result<()> {
    let dir: &Path = match (args.dir.as_deref(), root) {
        (Some(dir), None) | (None, Some(dir)) => dir,
        (Some(_), Some(_)) => {
            return Err(Error::Usage(
                "give the new site's folder once: `anxuan init DIR` or `anxuan --root DIR init`"
                    .into(),
            ));
        }
        (None, None) => {
            return Err(Error::Usage(
                "name the folder to create: `anxuan init DIR`".into(),
            ));
        }
    };
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "{} exists and is not empty; choose a new folder",
                dir.display()
            )));
        }
    }
    let base_url = match &args.base_url {
        Some(u) => {
            split_base_url(u)
                .map_err(|e| Error::Usage(format!("--base-url: {e}")))?
                .0
        }
        None => "/".to_owned(),
    };
    let title = args.title.as_deref().unwrap_or("某某街道安全生产宣传网");
    let yaml = SITE_YAML
        .replace("{title}", &super::new::quote(title))
        .replace("{base_url}", &base_url);
    let cfg = Config::parse(&yaml).map_err(|d| Error::Other(format!("{d:?}")))?;
    let today = super::new::today_default();
    super::new::create_file(&dir.join("site.yaml"), &yaml)?;
    super::new::create_file(&dir.join(".gitignore"), GITIGNORE)?;
    // A draft in each column, its placeholders saying what to write.
    for c in &cfg.columns {
        let (name, title) = match c.kind {
            Kind::Notice => ("first-notice", "（请填写第一条通知的标题）"),
            Kind::Article if c.folder == "articles" => ("welcome", "（请填写本站上线的消息标题）"),
            Kind::Article => ("first-article", "（请填写第一篇文章的标题）"),
            Kind::Document => ("first-document", "（请填写第一份文件的标题）"),
            Kind::Drill => ("first-drill", "（请填写第一次演练的名称）"),
            Kind::Case => ("first-case", "（请填写第一个警示案例的标题）"),
            Kind::Page => ("about", "关于本站"),
        };
        let text = super::new::template(c.kind, Some(title), &today, &cfg);
        let path = dir
            .join("content")
            .join(&c.folder)
            .join(format!("{name}.md"));
        super::new::create_file(&path, &text)?;
    }
    super::new::create_file(&dir.join("static/.gitkeep"), "")?;
    shell.status("Created", &format!("new site in {}", dir.display()));
    shell.status(
        "Next",
        &format!(
            "anxuan serve --root {} --drafts (every sample is a draft: fill it in, then remove its `draft: true` line)",
            dir.display()
        ),
    );
    Ok(())
}
