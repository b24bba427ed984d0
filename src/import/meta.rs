//! What an imported document says about itself: the 来源 / 作者 / 日期 /
//! 责编 / 审核 lines of Chinese documents and pages, dates as they are
//! written there, and the front matter made from them.
//!
//! Pure functions; imports nothing from the crate.
//!
//! Invariants: a field is filled once (the first source to give a value
//! wins: callers ask the better sources first); a date is always given
//! back in the loader's form (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`); values
//! written into YAML are always double-quoted and on one line.

/// A front-matter field an imported document can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Source,
    Author,
    Date,
    Editor,
    Reviewer,
}

/// The labels of the meta lines, and the field each fills.
const KEYS: &[(&str, Field)] = &[
    ("责任编辑", Field::Editor),
    ("责编", Field::Editor),
    ("编辑", Field::Editor),
    ("审核", Field::Reviewer),
    ("审稿", Field::Reviewer),
    ("终审", Field::Reviewer),
    ("信息来源", Field::Source),
    ("文章来源", Field::Source),
    ("稿件来源", Field::Source),
    ("来源", Field::Source),
    ("供稿", Field::Source),
    ("作者", Field::Author),
    ("撰稿", Field::Author),
    ("发布日期", Field::Date),
    ("发布时间", Field::Date),
    ("发文日期", Field::Date),
    ("日期", Field::Date),
    ("时间", Field::Date),
];

/// The front-matter values found for a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    /// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`.
    pub date: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub reviewer: Option<String>,
}

impl Meta {
    /// Fills `field` with `value` unless it has a value already or
    /// `value` is empty (a date that is no date is ignored). True when set.
    pub fn set(&mut self, field: Field, value: &str) -> bool {
        let value = clean(value);
        if value.is_empty() {
            return false;
        }
        let slot = match field {
            Field::Source => &mut self.source,
            Field::Author => &mut self.author,
            Field::Editor => &mut self.editor,
            Field::Reviewer => &mut self.reviewer,
            Field::Date => {
                if self.date.is_some() {
                    return false;
                }
                self.date = date(&value);
                return self.date.is_some();
            }
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(value);
        true
    }

    /// Sets the title unless there is one.
    pub fn set_title(&mut self, title: &str) {
        let t = clean(title);
        if self.title.is_none() && !t.is_empty() {
            self.title = Some(t);
        }
    }

    /// Takes every pair of `pairs` (see [`Meta::set`]).
    pub fn take(&mut self, pairs: &[(Field, String)]) {
        for (f, v) in pairs {
            self.set(*f, v);
        }
    }
}

/// Spaces of every width, collapsed to one ASCII space, and trimmed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `s` without its leading indentation: the full-width spaces (`　　`)
/// Chinese documents start paragraphs with, no-break and other spaces.
pub fn strip_indent(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

fn is_colon(c: char) -> bool {
    c == ':' || c == '：'
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// The known label at `at` followed by a colon: its field and where its
/// value starts.
fn key_at(s: &[char], at: usize) -> Option<(Field, usize)> {
    let mut best: Option<(usize, Field)> = None;
    for (k, f) in KEYS {
        let n = k.chars().count();
        if s.len() >= at + n
            && s[at..at + n].iter().copied().eq(k.chars())
            && best.is_none_or(|(m, _)| n > m)
        {
            best = Some((n, *f));
        }
    }
    let (n, f) = best?;
    let mut i = at + n;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    (i < s.len() && is_colon(s[i])).then_some((f, i + 1))
}

/// Any label (`浏览次数：`, a known one) at `at`: 2 to 6 Chinese
/// characters and a colon. Ends the value before it.
fn any_label_at(s: &[char], at: usize) -> bool {
    if key_at(s, at).is_some() {
        return true;
    }
    let n = s[at..].iter().take(7).take_while(|c| is_cjk(**c)).count();
    (2..=6).contains(&n) && s.get(at + n).is_some_and(|c| is_colon(*c))
}

/// The value starting at `from`: up to the next label, a wide gap (two
/// spaces, a full-width space, a tab), a separator bar or a bracket that
/// opens the page's tools (`【打印】`). Returns the value and its end.
fn value_at(s: &[char], from: usize) -> (String, usize) {
    let mut i = from;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let start = i;
    while i < s.len() {
        let c = s[i];
        let wide_gap = c == '\u{3000}'
            || c == '\t'
            || c == '\n'
            || (is_space(c) && s.get(i + 1).is_some_and(|d| is_space(*d)));
        if wide_gap || matches!(c, '|' | '丨' | '｜' | '【' | '[') {
            break;
        }
        if (i == start || is_space(s[i - 1])) && any_label_at(s, i) {
            break;
        }
        if key_at(s, i).is_some() {
            break;
        }
        i += 1;
    }
    let v: String = s[start..i].iter().collect();
    let v = v.trim_matches(|c: char| is_space(c) || matches!(c, '，' | ',' | '；' | ';' | '/'));
    (v.to_owned(), i)
}

const BRACKETS: &[(char, char)] = &[
    ('【', '】'),
    ('（', '）'),
    ('(', ')'),
    ('[', ']'),
    ('〔', '〕'),
];

/// A line that consists of meta pairs only (`来源：青石街道　作者：李敏`,
/// `（责任编辑：孙婷婷）`): its pairs, values possibly empty; `None` for
/// any other line (one that does not start with a known label, or is too
/// long to be one).
pub fn parse_line(line: &str) -> Option<Vec<(Field, String)>> {
    let mut t = line.trim_matches(is_space);
    for (open, close) in BRACKETS {
        if let Some(inner) = t.strip_prefix(*open).and_then(|r| r.strip_suffix(*close)) {
            t = inner.trim_matches(is_space);
        }
    }
    let s: Vec<char> = t.chars().collect();
    if s.len() > 120 {
        return None;
    }
    // `（区应急局　供稿）`
    if let Some(who) = t.strip_suffix("供稿").map(|w| w.trim_matches(is_space))
        && !who.is_empty()
        && s.len() <= 30
        && !who.contains(['，', '。', ',', '：', ':'])
    {
        return Some(vec![(Field::Source, who.to_owned())]);
    }
    key_at(&s, 0)?;
    let pairs = scan_chars(&s);
    (!pairs.is_empty()).then_some(pairs)
}

/// Every meta pair anywhere in `text` (an info bar such as
/// `来源: 作者: 日期:2024-07-30 浏览次数：12`), values possibly empty.
pub fn scan(text: &str) -> Vec<(Field, String)> {
    let s: Vec<char> = text.chars().collect();
    scan_chars(&s)
}

fn scan_chars(s: &[char]) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        // A label starts a word: not in the middle of a longer one
        // (`更新日期` is a date; `编辑部` is not a label anyway).
        if let Some((f, from)) = key_at(s, i) {
            let (v, end) = value_at(s, from);
            out.push((f, v));
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn ascii_form(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '－' => '-',
        '／' => '/',
        '：' => ':',
        c => c,
    }
}

/// The first date in `text`, in the loader's form: `2024-07-30`,
/// `2024年7月30日`, `2024/7/30 9:05`, `2024.07.30`, full-width digits.
/// A time is kept when written (`YYYY-MM-DD HH:MM`).
pub fn date(text: &str) -> Option<String> {
    let s: Vec<char> = text.chars().map(ascii_form).collect();
    (0..s.len()).find_map(|at| {
        if at > 0 && s[at - 1].is_ascii_digit() {
            return None;
        }
        date_at(&s, at)
    })
}

fn number(s: &[char], at: &mut usize, max: usize) -> Option<u32> {
    let n = s[*at..]
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n == 0 || s.get(*at + n).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let v = s[*at..*at + n]
        .iter()
        .fold(0, |v, c| v * 10 + c.to_digit(10).unwrap_or(0));
    *at += n;
    Some(v)
}

fn date_at(s: &[char], start: usize) -> Option<String> {
    let mut at = start;
    let year = number(s, &mut at, 4).filter(|y| (1900..=2100).contains(y))?;
    let sep = *s.get(at).filter(|c| matches!(c, '年' | '-' | '/' | '.'))?;
    at += 1;
    let month = number(s, &mut at, 2).filter(|m| (1..=12).contains(m))?;
    let want = if sep == '年' { '月' } else { sep };
    if s.get(at) != Some(&want) {
        return None;
    }
    at += 1;
    let day = number(s, &mut at, 2).filter(|d| (1..=31).contains(d))?;
    if sep == '年' && matches!(s.get(at), Some('日' | '号')) {
        at += 1;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    while s.get(at).is_some_and(|c| *c == ' ' || *c == 'T') {
        at += 1;
    }
    let mut t = at;
    if let Some(hour) = number(s, &mut t, 2).filter(|h| *h < 24)
        && matches!(s.get(t), Some(':' | '时' | '点'))
    {
        t += 1;
        if let Some(minute) = number(s, &mut t, 2).filter(|m| *m < 60) {
            out.push_str(&format!(" {hour:02}:{minute:02}"));
        }
    }
    Some(out)
}

/// A date written in a file name: `t20240730_123456`, `2024-07-30-x`.
pub fn date_in_name(stem: &str) -> Option<String> {
    if let Some(d) = date(stem) {
        return Some(d.chars().take(10).collect());
    }
    let s: Vec<char> = stem.chars().collect();
    (0..s.len().saturating_sub(7)).find_map(|at| {
        let run = &s[at..at + 8];
        let before = at > 0 && s[at - 1].is_ascii_digit();
        let after = s.get(at + 8).is_some_and(|c| c.is_ascii_digit());
        if before || after || !run.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let d: String = run.iter().collect();
        let (y, m, dd) = (&d[..4], &d[4..6], &d[6..]);
        date(&format!("{y}-{m}-{dd}"))
    })
}

/// Whether a document's recorded author (`dc:creator`) names a person or
/// an office, rather than a machine, a licence or an installer's default.
pub fn plausible_author(name: &str) -> bool {
    let n = name.trim();
    let lower = n.to_lowercase();
    const MACHINE: &[&str] = &[
        "administrator",
        "admin",
        "user",
        "users",
        "owner",
        "windows 用户",
        "windows user",
        "微软用户",
        "微软中国",
        "microsoft",
        "microsoft office 用户",
        "microsoft office user",
        "lenovo",
        "dell",
        "hp",
        "pc",
        "china",
        "ylmf",
        "雨林木风",
        "番茄花园",
        "深度",
        "系统之家",
        "sky123.org",
        "apple",
        "mac",
        "unknown",
        "author",
        "作者",
        "用户",
        "匿名",
    ];
    !n.is_empty()
        && n.chars().count() <= 40
        && !MACHINE.contains(&lower.as_str())
        && !lower.starts_with("wps_")
        && !lower.starts_with("microsoft")
        && !n.chars().all(|c| c.is_ascii_digit())
        && !n.contains('@')
}

/// Whether a recorded document title (`dc:title`) can be the page's
/// title: not empty, not a default such as `Document` or `新建文档`.
pub fn plausible_title(title: &str) -> bool {
    let t = title.trim();
    let lower = t.to_lowercase();
    let cjk = t.chars().filter(|c| is_cjk(*c)).count();
    !t.is_empty()
        && !lower.starts_with("microsoft word")
        && !lower.starts_with("document")
        && !t.starts_with("新建")
        && !t.starts_with("文档")
        && !lower.ends_with(".doc")
        && !lower.ends_with(".docx")
        && (cjk >= 2 || t.chars().count() >= 6)
}

/// `s` as a double-quoted YAML scalar on one line.
pub fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The front matter of an imported article: `title` and `date` (both
/// required by the loader), the other fields when known, and where the
/// text came from under `extra`.
pub fn front_matter(meta: &Meta, title: &str, date: &str, extra: &[(&str, String)]) -> String {
    let mut fm = format!("---\ntitle: {}\ndate: {date}\n", yaml_quote(title));
    for (key, value) in [
        ("source", &meta.source),
        ("author", &meta.author),
        ("editor", &meta.editor),
        ("reviewer", &meta.reviewer),
    ] {
        if let Some(v) = value {
            fm.push_str(&format!("{key}: {}\n", yaml_quote(v)));
        }
    }
    if !extra.is_empty() {
        fm.push_str("extra:\n");
        for (k, v) in extra {
            fm.push_str(&format!("  {k}: {}\n", yaml_quote(v)));
        }
    }
    fm.push_str("---\n\n");
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(Field, &str)]) -> Vec<(Field, String)> {
        v.iter().map(|(f, s)| (*f, (*s).to_owned())).collect()
    }

    #[test]
    fn parse_line_reads_one_or_several_pairs() {
        assert_eq!(
            parse_line("来源：青石街道应急管理办公室"),
            Some(pairs(&[(Field::Source, "青石街道应急管理办公室")]))
        );
        assert_eq!(
            parse_line("　　来源：青石街道　作者：李敏　日期：2024年7月30日"),
            Some(pairs(&[
                (Field::Source, "青石街道"),
                (Field::Author, "李敏"),
                (Field::Date, "2024年7月30日"),
            ]))
        );
        assert_eq!(
            parse_line("（责任编辑：孙婷婷）"),
            Some(pairs(&[(Field::Editor, "孙婷婷")]))
        );
        assert_eq!(
            parse_line("（区应急局　供稿）"),
            Some(pairs(&[(Field::Source, "区应急局")]))
        );
        assert_eq!(
            parse_line("审核: 王强"),
            Some(pairs(&[(Field::Reviewer, "王强")]))
        );
    }

    #[test]
    fn parse_line_refuses_body_text() {
        assert_eq!(parse_line("来源于群众的安全隐患线索要及时处理。"), None);
        assert_eq!(parse_line("本次活动由街道主办，作者：不详"), None);
        assert_eq!(parse_line(""), None);
    }

    #[test]
    fn scan_reads_an_info_bar_with_empty_values() {
        assert_eq!(
            scan("来源: 作者: 日期:2024-07-30 浏览次数：35 【打印】"),
            pairs(&[
                (Field::Source, ""),
                (Field::Author, ""),
                (Field::Date, "2024-07-30"),
            ])
        );
        assert_eq!(
            scan("发布时间：2024-07-30 10:23  来源：青石街道 | 责编： 孙婷婷"),
            pairs(&[
                (Field::Date, "2024-07-30 10:23"),
                (Field::Source, "青石街道"),
                (Field::Editor, "孙婷婷"),
            ])
        );
    }

    #[test]
    fn date_reads_the_common_spellings() {
        assert_eq!(date("2024-07-30").as_deref(), Some("2024-07-30"));
        assert_eq!(date("2024年7月3日").as_deref(), Some("2024-07-03"));
        assert_eq!(
            date("日期：2024/7/30 9:05").as_deref(),
            Some("2024-07-30 09:05")
        );
        assert_eq!(date("２０２４．０７．３０").as_deref(), Some("2024-07-30"));
        assert_eq!(date("２０２４-０７-３０").as_deref(), Some("2024-07-30"));
        assert_eq!(date("2024.07.30").as_deref(), Some("2024-07-30"));
        assert_eq!(date("12024-07-30"), None);
        assert_eq!(date("2024-13-30"), None);
        assert_eq!(date("7月30日"), None);
    }

    #[test]
    fn date_in_name_reads_cms_file_names() {
        assert_eq!(
            date_in_name("t20240730_123456").as_deref(),
            Some("2024-07-30")
        );
        assert_eq!(
            date_in_name("2024-07-30-fire").as_deref(),
            Some("2024-07-30")
        );
        assert_eq!(date_in_name("art_1234_567"), None);
        assert_eq!(date_in_name("202407301"), None);
    }

    #[test]
    fn meta_keeps_the_first_value() {
        let mut m = Meta::default();
        assert!(m.set(Field::Author, " 李敏 "));
        assert!(!m.set(Field::Author, "张三"));
        assert!(!m.set(Field::Date, "不详"));
        assert!(m.set(Field::Date, "2024年7月30日"));
        assert_eq!(m.author.as_deref(), Some("李敏"));
        assert_eq!(m.date.as_deref(), Some("2024-07-30"));
    }

    #[test]
    fn authors_and_titles_of_machines_are_refused() {
        assert!(plausible_author("李敏"));
        assert!(plausible_author("青石街道应急办"));
        assert!(!plausible_author("Administrator"));
        assert!(!plausible_author("WPS_1596523456"));
        assert!(!plausible_author("微软用户"));
        assert!(plausible_title("关于开展安全生产月活动的通知"));
        assert!(!plausible_title("Microsoft Word - 通知.doc"));
        assert!(!plausible_title("新建 DOCX 文档"));
    }

    #[test]
    fn front_matter_quotes_every_value() {
        let m = Meta {
            source: Some("青石\"街道\"".into()),
            editor: Some("孙婷婷".into()),
            ..Meta::default()
        };
        assert_eq!(
            front_matter(
                &m,
                "标题: 含冒号",
                "2024-07-30",
                &[("imported_from", "a.docx".into())]
            ),
            "---\ntitle: \"标题: 含冒号\"\ndate: 2024-07-30\nsource: \"青石\\\"街道\\\"\"\neditor: \"孙婷婷\"\nextra:\n  imported_from: \"a.docx\"\n---\n\n"
        );
    }

    #[test]
    fn strip_indent_removes_full_width_spaces() {
        assert_eq!(strip_indent("　　为切实做好"), "为切实做好");
        assert_eq!(strip_indent("\u{a0}\u{a0} 正文"), "正文");
    }
}
