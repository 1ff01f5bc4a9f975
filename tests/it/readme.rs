//! The README renders as written on a code host: parsed as CommonMark, every `#` line outside
//! its code blocks is a heading, and every code fence closes where a reader sees it close (a
//! fence with text after it, or a stray one, swallows the sections below it).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

const README: &str = include_str!("../../README.md");

/// The 1-based line of byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

#[test]
fn every_heading_of_the_readme_is_a_heading_and_every_fence_closes() {
    // How a reader sees it: a line starting with ``` opens or closes a block.
    let mut reader_blocks = 0;
    let mut inside = false;
    let mut heading_lines = Vec::new();
    for (i, line) in README.lines().enumerate() {
        if line.starts_with("```") {
            if !inside {
                reader_blocks += 1;
            }
            inside = !inside;
        } else if !inside && line.starts_with('#') {
            heading_lines.push(i + 1);
        }
    }
    assert!(!inside, "the README ends inside a code block");
    // How CommonMark parses it.
    let mut parsed_headings = Vec::new();
    let mut fenced = Vec::new();
    for (event, range) in Parser::new(README).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => parsed_headings.push(line_of(README, range.start)),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                fenced.push((line_of(README, range.start), line_of(README, range.end)));
            }
            _ => {}
        }
    }
    assert_eq!(
        parsed_headings, heading_lines,
        "lines starting with # that CommonMark does not read as headings (or the reverse)"
    );
    assert_eq!(
        fenced.len(),
        reader_blocks,
        "code blocks as parsed (first line, line after the end): {fenced:?}"
    );
    assert!(parsed_headings.len() > 10, "{parsed_headings:?}");
}
