//! The catalogue of every error and warning liaison reports, each with a stable code.
//!
//! Codes let an editor search the docs (`docs/errors.md`, generated from this table and kept in
//! sync by `tests/error_codes.rs`) and let tooling match problems without parsing prose. A code
//! never changes meaning once released; retired codes are not reused. `E` codes fail a build,
//! `W` codes are warnings that `liaison check` reports.

use crate::i18n::Lang;

macro_rules! catalogue {
    ($($group:literal { $($variant:ident = $id:literal, $en:literal, $zh:literal;)* })*) => {
        /// A class of problem. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($($variant,)*)*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &[Code] = &[$($(Code::$variant,)*)*];

            /// The stable identifier, such as `E040`.
            pub fn id(self) -> &'static str {
                match self {
                    $($(Code::$variant => $id,)*)*
                }
            }

            /// A short name of the problem class, for the catalogue.
            pub fn title(self, lang: Lang) -> &'static str {
                match self {
                    $($(Code::$variant => lang.pick($en, $zh),)*)*
                }
            }

            /// The group of the catalogue the code belongs to (English / Chinese heading).
            pub fn group(self) -> &'static str {
                match self {
                    $($(Code::$variant => $group,)*)*
                }
            }
        }
    };
}

catalogue! {
    "Site settings / 站点设置" {
        SiteTomlUnreadable = "E001", "site.toml cannot be read", "无法读取 site.toml";
        NotUtf8 = "E002", "a file is not UTF-8 text", "文件不是 UTF-8 编码";
        TomlSyntax = "E003", "settings or front matter are not valid TOML", "设置或前置信息不是合法的 TOML";
        UnknownField = "E004", "a field liaison does not know", "未知字段";
        MissingField = "E005", "a required field is missing", "缺少必填字段";
        WrongValue = "E006", "a value of the wrong kind", "字段值的类型不对";
        BadTimezone = "E007", "unknown timezone", "未知时区";
        BadBaseUrl = "E008", "base_url is not an http(s) address", "base_url 不是 http(s) 网址";
        BadAcademicYear = "E009", "academic_year.starts is not a month and day", "academic_year.starts 不是“月-日”";
        BadPaginate = "E010", "paginate is 0", "paginate 小于 1";
        DuplicateTier = "E011", "a sponsor tier is declared twice", "赞助级别重复声明";
    }
    "Content files / 内容文件" {
        NoContentFolder = "E020", "the site has no content/ folder", "站点没有 content/ 文件夹";
        Symlink = "E021", "a symbolic link in content/", "content/ 中有符号链接";
        Unreadable = "E022", "a file or folder cannot be read", "无法读取文件或文件夹";
        UnclosedFrontMatter = "E023", "front matter is never closed", "前置信息缺少结尾的 +++";
        NoFrontMatter = "E024", "a content file has no front matter", "内容文件缺少前置信息";
        BadSlug = "E025", "slug is not a single URL segment", "slug 不是单个网址片段";
        BadTemplateName = "E026", "template names a file outside the theme", "template 指向主题之外的文件";
        EndBeforeStart = "E027", "an activity ends before it starts", "活动结束早于开始";
        UnknownTier = "E028", "a partner's tier is not declared", "合作伙伴的赞助级别未声明";
        BadWebsite = "E029", "a website is not an http(s) address", "网站地址不是 http(s) 网址";
        ClosesBeforeOpens = "E030", "a round closes before it opens", "招新截止早于开始";
        BadApply = "E031", "apply is not a web address or an e-mail link", "报名方式不是网址或邮件链接";
        StageBeforeOpens = "E032", "a stage is before the round opens", "招新环节早于报名开始";
    }
    "Links and references / 链接与引用" {
        UnknownSponsor = "E040", "a sponsor id names no partner", "赞助方 id 没有对应的合作伙伴";
        DraftSponsor = "E041", "a sponsor is a draft partner", "赞助方是草稿";
        LinkToMissingFile = "E042", "a link to a content file that does not exist", "链接到不存在的内容文件";
        LinkToDraft = "E043", "a link to a draft", "链接到草稿";
        MissingFile = "E044", "a file named in front matter does not exist", "前置信息中的文件不存在";
        DuplicateUrl = "E045", "two files want the same URL", "两个文件的网址相同";
        ReservedUrl = "E046", "a URL liaison uses for its own pages", "网址与 liaison 自动生成的页面冲突";
        UrlIsSectionUrl = "E047", "a file's URL is also a section's URL", "文件网址与栏目网址相同";
    }
    "Themes and templates / 主题与模板" {
        ThemeCycle = "E060", "themes extend each other in a circle", "主题互相继承成环";
        BadThemeName = "E061", "a theme name that is not a folder name", "主题名不是文件夹名";
        ThemeNotFound = "E062", "a theme that does not exist", "主题不存在";
        ThemeTomlUnreadable = "E063", "a theme without a readable theme.toml", "主题缺少可读的 theme.toml";
        NoUiStrings = "E064", "a theme without strings for the site's language", "主题没有站点语言的界面文字";
        TemplateError = "E065", "a template error", "模板错误";
        TemplateMissing = "E066", "a template the site needs is missing", "缺少所需的模板";
    }
    "Output / 输出" {
        OutputInsideSources = "E080", "the output folder would overwrite the sources", "输出文件夹会覆盖源文件";
        OutputIsFile = "E081", "the output path is a file", "输出路径是一个文件";
        OutputWriteFailed = "E082", "the output cannot be written", "无法写入输出";
    }
    "Command line / 命令行" {
        NoSiteFolder = "E090", "the site folder does not exist", "站点文件夹不存在";
        NoSiteToml = "E091", "no site.toml in the folder", "文件夹中没有 site.toml";
        BadNow = "E092", "a build time liaison does not understand", "无法识别的构建时间";
        CannotListen = "E093", "the dev server cannot listen on the address", "预览服务器无法监听该地址";
        CannotWatch = "E094", "files cannot be watched for changes", "无法监视文件变化";
        NoFileName = "E100", "liaison new cannot make a file name from the title", "liaison new 无法从标题生成文件名";
        FileExists = "E101", "liaison new would overwrite a file", "liaison new 不会覆盖已有文件";
        CannotCreate = "E102", "a new file or site cannot be written", "无法写入新文件或新站点";
        InitNotEmpty = "E103", "liaison init in a folder that is not empty", "liaison init 的目标文件夹不是空的";
    }
    "liaison check" {
        LinkToMissingPage = "E110", "a link to a page that does not exist", "链接到不存在的页面";
        LinkToMissingAnchor = "E111", "a link to an anchor that does not exist", "链接到不存在的锚点";
        PartnerNeverSponsor = "W001", "a partner no activity names as a sponsor", "没有活动把该合作伙伴列为赞助方";
        StageLongAfterClose = "W002", "a stage long after applications close", "招新环节远晚于报名截止";
        LargeImage = "W003", "an image over 1 MB", "图片超过 1 MB";
    }
}

impl Code {
    /// Warnings are reported by `liaison check` and never fail a build.
    pub fn is_warning(self) -> bool {
        self.id().starts_with('W')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let id = c.id();
            assert!(seen.insert(id), "{id} twice");
            assert!(id.len() == 4 && (id.starts_with('E') || id.starts_with('W')), "{id}");
            assert!(id[1..].chars().all(|c| c.is_ascii_digit()), "{id}");
        }
    }
}
