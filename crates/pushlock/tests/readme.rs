//! The repository README's Rust examples are the crate README's, which run as doc
//! tests (the crate docs include `crates/pushlock/README.md`). Skipped where the
//! repository README is absent (the packaged crate).

use std::path::Path;

/// The fenced ```` ```rust ```` blocks of a markdown text.
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```rust") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().expect("in a block")),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn repository_readme_examples_are_the_doc_tested_ones() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(repository) = std::fs::read_to_string(crate_dir.join("../../README.md")) else {
        eprintln!("no repository README beside the crate: skipped");
        return;
    };
    let own = std::fs::read_to_string(crate_dir.join("README.md")).expect("crate README");
    let doc_tested = rust_blocks(&own);
    assert!(
        !doc_tested.is_empty(),
        "the crate README has no Rust example"
    );
    for block in rust_blocks(&repository) {
        assert!(
            doc_tested.contains(&block),
            "README.md has a Rust example that crates/pushlock/README.md (doc-tested) \
             lacks:\n{block}"
        );
    }
}
