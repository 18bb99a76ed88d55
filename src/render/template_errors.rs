//! Template errors as diagnostics an editor or theme author can act on: the theme file and line
//! of the deepest template in the chain, minijinja's complaint, and what was being rendered.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::t;
use crate::theme::Theme;

/// A diagnostic for a template error, pointing into the theme file that caused it.
pub(super) fn template_error(theme: &Theme, e: &minijinja::Error, doing: &Text) -> Diagnostic {
    let (message, hint) = template_message(theme, e);
    let (hint_en, hint_zh, doing_en, doing_zh) = (&hint.en, &hint.zh, &doing.en, &doing.zh);
    let d = Diagnostic::new(message.0, Code::TemplateError, message.1)
        .hint(t!("{hint_en} (while {doing_en})", "{hint_zh}（出错时正在{doing_zh}）"));
    match message.2 {
        Some((source, line)) => d.in_source(&source, line, 1, 1),
        None => d,
    }
}

type TemplateSpot = (std::path::PathBuf, Text, Option<(String, usize)>);

fn template_message(theme: &Theme, e: &minijinja::Error) -> (TemplateSpot, Text) {
    let mut inner: Option<&dyn std::error::Error> = Some(e);
    let mut deepest = e;
    while let Some(err) = inner {
        if let Some(m) = err.downcast_ref::<minijinja::Error>()
            && m.name().is_some()
        {
            deepest = m;
        }
        inner = err.source();
    }
    let file = deepest.name().and_then(|n| theme.templates.get(n));
    let path = file
        .map(|f| f.path.clone())
        .unwrap_or_else(|| format!("themes/{}", theme.chain.first().cloned().unwrap_or_default()).into());
    let detail = match deepest.kind() {
        minijinja::ErrorKind::OutOfFuel => t!(
            "the template did too much work (an endless or enormous loop?) and was stopped",
            "模板的计算量过大（死循环或巨大的循环？），已被中止"
        ),
        _ if deepest.detail() == Some("recursion limit exceeded") => t!(
            "the template calls itself without end (recursion limit exceeded)",
            "模板无休止地调用自身（超过了递归上限）"
        ),
        _ => Text::same(deepest.detail().map(str::to_string).unwrap_or_else(|| deepest.kind().to_string())),
    };
    let (detail_en, detail_zh) = (&detail.en, &detail.zh);
    let spot = match (file, deepest.line()) {
        (Some(f), Some(line)) => Some((f.source.clone(), line)),
        _ => None,
    };
    (
        (path, t!("template error: {detail_en}", "模板错误：{detail_zh}"), spot),
        t!(
            "fix the template at this line; docs/themes.md lists the variables templates can use",
            "修改模板的这一行；docs/themes.md 列出了模板可用的变量"
        ),
    )
}
