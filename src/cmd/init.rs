//! `anxuan init DIR` (or `anxuan --root DIR init`): a new site with
//! site.yaml and one example of each kind. No theme is copied: the default
//! theme is built in.

use std::path::Path;

use crate::cli::{InitArgs, NewKind};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::shell::Shell;

const SITE_YAML: &str = r#"# 站点配置。完整说明见 anxuan 的 README。
title: 某某街道安全生产宣传网
description: 安全生产“五进”宣传：进企业、进农村、进社区、进学校、进家庭。
# 网站正式网址；部署在子目录时写完整路径，例如 https://www.example.gov.cn/aq/
base_url: /
language: zh-CN
timezone: Asia/Shanghai
paginate: 20
hotline: "12350"
areas:
  - { name: 企业, slug: enterprise }
  - { name: 农村, slug: village }
  - { name: 社区, slug: community }
  - { name: 学校, slug: school }
  - { name: 家庭, slug: family }
footer:
  organizer: 某某街道办事处
  contact: "电话：0000-00000000"
  # icp: 某ICP备00000000号
  # police_record: 某公网安备 00000000000000号
  # site_code: "0000000000"
  # error_report_url: https://zfwzzc.www.gov.cn/
"#;

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
    let cfg = Config::defaults().map_err(Error::Other)?;
    let today = super::new::today_default();
    super::new::create_file(&dir.join("site.yaml"), SITE_YAML)?;
    let examples = [
        (NewKind::Article, "articles/welcome.md", "本站正式上线"),
        (NewKind::Drill, "drills/first-drill.md", "社区消防疏散演练"),
        (
            NewKind::Case,
            "cases/first-case.md",
            "某仓库火灾事故警示案例",
        ),
        (NewKind::Page, "pages/about.md", "关于本站"),
    ];
    for (kind, path, title) in examples {
        let text = super::new::template(kind, Some(title), &today, &cfg)
            .replace("draft: true   # 准备发布时删除此行\n", "");
        super::new::create_file(&dir.join("content").join(path), &text)?;
    }
    super::new::create_file(&dir.join("static/.gitkeep"), "")?;
    shell.status("Created", &format!("new site in {}", dir.display()));
    shell.status("Next", &format!("anxuan build --root {}", dir.display()));
    Ok(())
}
