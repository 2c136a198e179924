//! An input error or warning as stderr draws it: what its title, help and labels quote in
//! backticks cut to its ends where it is long, and so in the diagnostics it points to (a rule
//! naming a label of 3 000 characters drew 19 KB, the label in the title and again in "did you
//! mean"; where another table prints it, 13 KB more in the advice saying where).

use crate::excerpt::{MOST_QUOTED_IN_A_HELP, MOST_QUOTED_IN_A_TITLE, long_quotes_cut};
use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};
use std::fmt;

/// `inner`, its title, help and labels with long quotes cut ([`long_quotes_cut`]), and its
/// related diagnostics alike.
pub(super) struct ShortQuotes<'a> {
    inner: &'a dyn Diagnostic,
    title: String,
    help: Option<String>,
    related: Option<Vec<ShortQuotes<'a>>>,
}

impl<'a> ShortQuotes<'a> {
    pub(super) fn new(inner: &'a dyn Diagnostic) -> Self {
        ShortQuotes {
            inner,
            title: long_quotes_cut(&inner.to_string(), MOST_QUOTED_IN_A_TITLE),
            help: inner
                .help()
                .map(|help| long_quotes_cut(&help.to_string(), MOST_QUOTED_IN_A_HELP)),
            related: inner
                .related()
                .map(|related| related.map(ShortQuotes::new).collect()),
        }
    }
}

impl fmt::Display for ShortQuotes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Debug for ShortQuotes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl std::error::Error for ShortQuotes<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for ShortQuotes<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.inner.labels()?;
        Some(Box::new(labels.map(|label| {
            let text = label
                .label()
                .map(|text| long_quotes_cut(text, MOST_QUOTED_IN_A_TITLE));
            if label.primary() {
                LabeledSpan::new_primary_with_span(text, *label.inner())
            } else {
                LabeledSpan::new_with_span(text, *label.inner())
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        let related = self.related.as_ref()?;
        Some(Box::new(
            related
                .iter()
                .map(|diagnostic| diagnostic as &dyn Diagnostic),
        ))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

#[cfg(test)]
mod tests {
    use crate::excerpt::{MOST_QUOTED_IN_A_TITLE, long_quotes_cut};

    #[test]
    fn a_long_quote_is_cut_to_its_ends_and_short_ones_and_lone_backticks_are_kept() {
        let label = "长".repeat(3000);
        assert_eq!(
            long_quotes_cut(
                &format!("table T has no row `{label}`; did you mean `甲`?"),
                MOST_QUOTED_IN_A_TITLE
            ),
            format!(
                "table T has no row `{}…{}` (3000 characters); did you mean `甲`?",
                "长".repeat(60),
                "长".repeat(30)
            )
        );
        assert_eq!(long_quotes_cut("a lone ` stays", 120), "a lone ` stays");
        let expression = "`A6[r, 成交额/current] >= 0.5 * A6[r, 成交额/prior]`";
        assert_eq!(long_quotes_cut(expression, 120), expression);
        assert_eq!(long_quotes_cut("no quotes", 120), "no quotes");
    }
}
