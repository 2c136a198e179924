//! Reading the book's text from a Word document (`.docx`): the same text model as a `.txt`, with
//! spans that name the paragraph.
//!
//! A yearbook's text is drafted in Word. Its `word/document.xml` (inside the `.docx` zip) is read
//! as one line per paragraph (`w:p`, in document order, paragraphs of table cells included):
//! the `w:t` text of its runs, `w:tab` as a tab and `w:noBreakHyphen` as `-`. A manual line
//! break (`w:br`, `w:cr`) starts a new line within its paragraph, as Word's own "Save as Plain
//! Text" writes it, so a paragraph broken by hand reads as the `.txt` export of the same
//! document would. Left out: deleted and moved-away text of tracked changes, field codes, text
//! boxes, and the fallback copy of drawings (`mc:Fallback`); footnotes, headers and comments
//! live in other parts and are not read. So the claims extractor and its anchors see the text
//! they would see in a `.txt` with one paragraph per line, and do not change.
//!
//! A [`Paragraphs`] kept on the [`SourceFile`](crate::source::SourceFile) maps an offset back
//! to its paragraph (1-based) and its characters within the paragraph (1-based; a tab or a
//! line break counts as one character, as in Word): reports name `¶1304, characters 369–373`.
//!
//! Bounded: the document part is read as a stream and refused past `limit` bytes once
//! decompressed (a zip bomb stops there, whatever the zip's header claims); the text read from
//! it is never longer than the XML. A file that is not a zip, a zip without the document part,
//! or XML that is not well-formed is an error, never a panic.

use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// The part that holds a Word document's body.
pub const DOCUMENT_PART: &str = "word/document.xml";

/// WordprocessingML's namespace, transitional (what Word writes) and strict.
const WORD_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Markup compatibility: `mc:Fallback` repeats a drawing's text for older readers.
const MARKUP_COMPATIBILITY: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// What can be wrong with a `.docx` file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DocxError {
    /// The file is not a zip archive (a `.doc` renamed `.docx`, a truncated download, a text
    /// file), or its document part cannot be decompressed (an unknown compression method, a
    /// checksum that does not match).
    #[error("{} is not a Word document that crossfoot can read: {message}", path.display())]
    #[diagnostic(
        code(crossfoot::data::docx),
        help("save the text from Word as a .docx (Word Document), or as plain text (.txt, UTF-8)")
    )]
    NotADocument { path: PathBuf, message: String },

    /// A zip archive without `word/document.xml`: an `.xlsx` or `.pptx` renamed `.docx`, or
    /// an archive of other files.
    #[error("{} has no {DOCUMENT_PART}: it is a zip archive, but not a Word document", path.display())]
    #[diagnostic(
        code(crossfoot::data::docx),
        help("name the book's text as a .docx saved by Word, or as plain text (.txt)")
    )]
    NoDocumentPart { path: PathBuf },

    /// `word/document.xml` is not well-formed XML: `<w:p><w:r></w:p>`, an unclosed element,
    /// a bad entity.
    #[error("{}: {DOCUMENT_PART} is not well-formed XML at byte {position}: {message}", path.display())]
    #[diagnostic(
        code(crossfoot::data::docx),
        help("open the document in Word and save it again, or save the text as plain text (.txt)")
    )]
    BadXml {
        path: PathBuf,
        /// The byte of the (decompressed) document part where reading stopped.
        position: u64,
        message: String,
    },

    /// The document part decompresses to more than the limit (`--max-table-size`, default
    /// 1 GiB): a zip bomb, or a text no book has.
    #[error("{}: {DOCUMENT_PART} decompresses to more than {limit} bytes", path.display())]
    #[diagnostic(
        code(crossfoot::data::too_large),
        help(
            "a book's text is a few megabytes; if this one really is larger, raise the limit with \
             `--max-table-size` (at most 4G)"
        )
    )]
    TooLarge { path: PathBuf, limit: u64 },
}

/// Whether a text file is a Word document, by its extension (`.docx`, `.docm`).
pub fn is_docx(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("docx") || x.eq_ignore_ascii_case("docm"))
}

/// Where each paragraph of a `.docx` starts in the text read from it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paragraphs {
    /// The byte offset of each paragraph's first character, in document order.
    starts: Vec<usize>,
}

impl Paragraphs {
    /// The paragraphs starting at these byte offsets (ascending).
    pub fn from_starts(starts: Vec<usize>) -> Self {
        Self { starts }
    }

    /// The paragraph holding `offset`: its 1-based number and the offset of its start.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let index = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        (index + 1, self.starts.get(index).copied().unwrap_or(0))
    }

    /// The byte offset of each paragraph's start, ascending.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// How many paragraphs the document has.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// A figure's place in a Word document: its paragraph and its first and last character there
/// (all 1-based; `last` is inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParagraphSpan {
    pub paragraph: usize,
    pub first: usize,
    pub last: usize,
}

impl std::fmt::Display for ParagraphSpan {
    /// `¶1304, characters 369–373`, or `¶12, character 5` for one character.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.last > self.first {
            write!(
                f,
                "¶{}, characters {}–{}",
                self.paragraph, self.first, self.last
            )
        } else {
            write!(f, "¶{}, character {}", self.paragraph, self.first)
        }
    }
}

/// The text of a Word document and where its paragraphs start.
#[derive(Debug)]
pub struct DocxText {
    pub text: String,
    pub paragraphs: Paragraphs,
}

/// Read the text of a `.docx` held by `archive` (named `path` in errors).
pub fn read_archive<R: Read + Seek>(
    path: &Path,
    archive: R,
    limit: u64,
) -> Result<DocxText, DocxError> {
    let not_a_document = |message: String| DocxError::NotADocument {
        path: path.to_path_buf(),
        message,
    };
    let mut archive =
        zip::ZipArchive::new(archive).map_err(|e| not_a_document(format!("not a zip ({e})")))?;
    let part = match archive.by_name(DOCUMENT_PART) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(DocxError::NoDocumentPart {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(not_a_document(format!("{DOCUMENT_PART}: {e}"))),
    };
    read_document_part(path, part, limit)
}

/// Read the text of a document part (`word/document.xml`, decompressed), refusing it past
/// `limit` bytes (`path` names the `.docx` in errors).
pub fn read_document_part<R: Read>(
    path: &Path,
    part: R,
    limit: u64,
) -> Result<DocxText, DocxError> {
    let mut bounded = Bounded::new(part, limit);
    let result = document_text(BufReader::new(&mut bounded));
    if bounded.exceeded {
        return Err(DocxError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    result.map_err(|failure| match failure {
        Failure::Io(e) => DocxError::NotADocument {
            path: path.to_path_buf(),
            message: format!("{DOCUMENT_PART}: {e}"),
        },
        Failure::Xml { position, message } => DocxError::BadXml {
            path: path.to_path_buf(),
            position,
            message,
        },
    })
}

/// A reader that gives at most `limit` bytes and fails (remembering why) on the next one.
struct Bounded<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R: Read> Bounded<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            left: limit,
            exceeded: false,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // At the limit: one more byte means the part is too large.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded = true;
                    Err(std::io::Error::other("the document part is too large"))
                }
            };
        }
        let most = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let read = self.inner.read(buf.get_mut(..most).unwrap_or_default())?;
        self.left -= read as u64;
        Ok(read)
    }
}

/// Why the document part could not be read.
#[derive(Debug)]
enum Failure {
    Io(std::io::Error),
    Xml { position: u64, message: String },
}

/// What an element is, as far as the text is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    Run,
    Text,
    Tab,
    Break,
    NoBreakHyphen,
    /// An element whose content is not the document's text (see the module's doc).
    Skipped,
    Other,
}

fn kind(namespace: &ResolveResult<'_>, local: &str) -> Kind {
    match namespace {
        ResolveResult::Bound(Namespace(ns)) if WORD_NAMESPACES.contains(ns) => match local {
            "p" => Kind::Paragraph,
            "r" => Kind::Run,
            "t" => Kind::Text,
            "tab" => Kind::Tab,
            "br" | "cr" => Kind::Break,
            "noBreakHyphen" => Kind::NoBreakHyphen,
            "del" | "moveFrom" | "txbxContent" | "instrText" | "delText" => Kind::Skipped,
            _ => Kind::Other,
        },
        ResolveResult::Bound(Namespace(ns))
            if *ns == MARKUP_COMPATIBILITY && local == "Fallback" =>
        {
            Kind::Skipped
        }
        _ => Kind::Other,
    }
}

/// The text being built: the paragraphs so far, and where the open elements stand.
#[derive(Default)]
struct Builder {
    text: String,
    starts: Vec<usize>,
    /// Open elements, innermost last.
    open: Vec<Kind>,
    /// How many open elements are [`Kind::Skipped`]: inside one, nothing is text.
    skipped: usize,
    /// Whether a paragraph is open (its start recorded, its line not yet ended).
    in_paragraph: bool,
    /// Whether any element was read: a part without one is not a document.
    rooted: bool,
}

impl Builder {
    fn inside(&self, kind: Kind) -> bool {
        self.open.contains(&kind)
    }

    fn start_paragraph(&mut self) {
        if !self.in_paragraph {
            self.starts.push(self.text.len());
            self.in_paragraph = true;
        }
    }

    fn end_paragraph(&mut self) {
        self.start_paragraph();
        self.text.push('\n');
        self.in_paragraph = false;
    }

    /// An element that opens (`empty`: and closes at once, `<w:tab/>`).
    fn element(&mut self, kind: Kind, empty: bool) {
        self.rooted = true;
        if self.skipped == 0 {
            let in_run = self.inside(Kind::Run);
            match kind {
                Kind::Paragraph if empty => self.end_paragraph(),
                Kind::Paragraph => {
                    // A paragraph inside a paragraph (only text boxes nest them, and those are
                    // skipped) would be malformed: end the outer one first.
                    if self.in_paragraph {
                        self.end_paragraph();
                    }
                    self.start_paragraph();
                }
                Kind::Tab if in_run => self.push('\t'),
                Kind::Break if in_run => self.push('\n'),
                Kind::NoBreakHyphen if in_run => self.push('-'),
                _ => {}
            }
        }
        if !empty {
            if kind == Kind::Skipped {
                self.skipped += 1;
            }
            self.open.push(kind);
        }
    }

    fn close(&mut self) {
        if let Some(kind) = self.open.pop() {
            if kind == Kind::Skipped {
                self.skipped = self.skipped.saturating_sub(1);
            } else if kind == Kind::Paragraph && self.skipped == 0 {
                self.end_paragraph();
            }
        }
    }

    fn push(&mut self, c: char) {
        self.start_paragraph();
        self.text.push(c);
    }

    /// Text inside `w:t`: a raw line break there is whitespace to Word, not a new line.
    fn push_text(&mut self, text: &str) {
        if self.skipped == 0 && self.open.last() == Some(&Kind::Text) {
            self.start_paragraph();
            for c in text.chars() {
                self.text
                    .push(if matches!(c, '\n' | '\r') { ' ' } else { c });
            }
        }
    }
}

/// The text of a document part: one line per paragraph (see the module's doc).
fn document_text<R: std::io::BufRead>(input: R) -> Result<DocxText, Failure> {
    let mut reader = quick_xml::reader::NsReader::from_reader(input);
    let mut builder = Builder::default();
    let mut buf = Vec::new();
    let xml_error = |reader: &quick_xml::reader::NsReader<R>, message: String| Failure::Xml {
        position: reader.error_position(),
        message,
    };
    loop {
        buf.clear();
        let (namespace, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(read) => read,
            Err(quick_xml::Error::Io(e)) => {
                return Err(Failure::Io(std::io::Error::new(e.kind(), e.to_string())));
            }
            Err(e) => return Err(xml_error(&reader, e.to_string())),
        };
        match event {
            Event::Start(e) => {
                let kind = kind(&namespace, e.local_name().as_ref());
                builder.element(kind, false);
            }
            Event::Empty(e) => {
                let kind = kind(&namespace, e.local_name().as_ref());
                builder.element(kind, true);
            }
            Event::End(_) => builder.close(),
            Event::Text(e) => builder.push_text(&e.xml10_content()),
            Event::CData(e) => builder.push_text(&e.xml10_content()),
            Event::GeneralRef(e) => {
                let resolved = match e.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*e {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(xml_error(&reader, format!("unknown entity `&{other};`")));
                        }
                    },
                    Err(e) => return Err(xml_error(&reader, e.to_string())),
                };
                builder.push_text(resolved.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !builder.open.is_empty() {
        return Err(Failure::Xml {
            position: reader.buffer_position(),
            message: format!(
                "the document ends inside {} open element{}",
                builder.open.len(),
                if builder.open.len() == 1 { "" } else { "s" }
            ),
        });
    }
    if !builder.rooted {
        return Err(Failure::Xml {
            position: reader.buffer_position(),
            message: "there is no root element".to_string(),
        });
    }
    if builder.in_paragraph {
        builder.end_paragraph();
    }
    Ok(DocxText {
        text: builder.text,
        paragraphs: Paragraphs {
            starts: builder.starts,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn text_of(body: &str) -> Result<DocxText, Failure> {
        let xml =
            format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
        document_text(xml.as_bytes())
    }

    #[test]
    fn one_line_per_paragraph_with_tabs_and_breaks() {
        let read = text_of(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>成交额为</w:t></w:r><w:r><w:t xml:space="preserve"> 3246.6亿元</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>A</w:t><w:tab/><w:t>1 &amp; 2</w:t><w:br/><w:t>next</w:t></w:r></w:p>"#,
        )
        .unwrap();
        assert_eq!(read.text, "成交额为 3246.6亿元\n\nA\t1 & 2\nnext\n");
        assert_eq!(read.paragraphs.starts, vec![0, 26, 27]);
        let offset = read.text.find("next").unwrap();
        assert_eq!(read.paragraphs.locate(offset), (3, 27));
        assert_eq!(
            read.paragraphs.locate(read.text.find("3246").unwrap()),
            (1, 0)
        );
    }

    #[test]
    fn deleted_moved_field_codes_text_boxes_and_fallbacks_are_not_text() {
        let read = text_of(
            r#"<w:p><w:del><w:r><w:delText>old</w:delText></w:r></w:del><w:ins><w:r><w:t>new</w:t></w:r></w:ins><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:t>again</w:t></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom></w:p>"#,
        )
        .unwrap();
        assert_eq!(read.text, "new\n");
        assert_eq!(read.paragraphs.len(), 1);
    }

    #[test]
    fn other_namespaces_text_is_not_word_text() {
        // DrawingML's `a:t` is a chart's or a shape's text, not the document's.
        let read = text_of(
            r#"<w:p xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:r><a:p><a:t>chart</a:t></a:p><w:t>body</w:t></w:r></w:p>"#,
        )
        .unwrap();
        assert_eq!(read.text, "body\n");
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        for body in [
            "<w:p><w:r></w:p>",
            "<w:p><w:r><w:t>a &bogus; b</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>a &#0; b</w:t></w:r></w:p>",
        ] {
            assert!(matches!(text_of(body), Err(Failure::Xml { .. })), "{body}");
        }
        let unclosed = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>"#;
        assert!(matches!(
            document_text(unclosed.as_bytes()),
            Err(Failure::Xml { .. })
        ));
        assert!(matches!(document_text(&b""[..]), Err(Failure::Xml { .. })));
    }

    #[test]
    fn a_part_past_the_limit_stops_there() {
        let xml = format!(
            "<w:document {W}><w:body>{}</w:body></w:document>",
            "<w:p/>".repeat(1000)
        );
        let mut bounded = Bounded::new(xml.as_bytes(), 100);
        let result = document_text(BufReader::new(&mut bounded));
        assert!(bounded.exceeded);
        assert!(matches!(result, Err(Failure::Io(_))));
        let mut exact = Bounded::new(xml.as_bytes(), xml.len() as u64);
        assert_eq!(
            document_text(BufReader::new(&mut exact))
                .unwrap()
                .paragraphs
                .len(),
            1000
        );
        assert!(!exact.exceeded);
    }

    #[test]
    fn a_paragraph_span_reads_as_a_place() {
        let span = ParagraphSpan {
            paragraph: 1304,
            first: 369,
            last: 373,
        };
        assert_eq!(span.to_string(), "¶1304, characters 369–373");
        let one = ParagraphSpan {
            paragraph: 2,
            first: 5,
            last: 5,
        };
        assert_eq!(one.to_string(), "¶2, character 5");
    }
}
