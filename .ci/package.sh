#!/usr/bin/env bash
# Publishing dry run: `cargo package` (full verify: each packaged crate builds from
# its .crate file alone) for pushlock and pushlock-ffi, failing on any warning; then
# the packaged pushlock's doc tests (its README included) run from the unpacked crate.
set -euo pipefail
log=$(mktemp)
# Cargo verifies pushlock-ffi against the just-packaged pushlock through a temporary
# registry, extracted under $CARGO_HOME/registry/src/<hash of the path>/. An extraction
# left there by an earlier run with the same path is reused as is (cargo checks only
# that the directory exists), so a stale copy of our own crate would be compiled:
# remove every extracted copy of the crates packaged here first.
registry="${CARGO_HOME:-$HOME/.cargo}/registry"
rm -rf "$registry"/src/*/pushlock-0.1.0 "$registry"/src/*/pushlock-ffi-0.1.0 \
    "$registry"/cache/*/pushlock-0.1.0.crate "$registry"/cache/*/pushlock-ffi-0.1.0.crate
cargo package -p pushlock -p pushlock-ffi --locked --allow-dirty 2>&1 | tee "$log"
if grep -q "^warning" "$log"; then
    echo "cargo package printed warnings" >&2
    exit 1
fi
for crate in pushlock pushlock-ffi; do
    for file in README.md LICENSE-MIT LICENSE-APACHE; do
        cargo package -p "$crate" --list --locked --allow-dirty | grep -qx "$file" ||
            { echo "$crate package lacks $file" >&2; exit 1; }
    done
done
# The unpacked crate outside the workspace, as a user of crates.io gets it.
work=$(mktemp -d)
tar -xzf target/package/pushlock-0.1.0.crate -C "$work"
(cd "$work/pushlock-0.1.0" &&
    CARGO_TARGET_DIR="$OLDPWD/target/package-test" cargo test --doc --all-features --locked)
rm -rf "$work" "$log"
# docs.rs's build: nightly, --cfg docsrs (feature badges), every feature.
if rustup toolchain list | grep -q nightly; then
    RUSTDOCFLAGS="--cfg docsrs -D warnings" cargo +nightly doc -p pushlock -p pushlock-ffi \
        --no-deps --all-features --locked --target-dir target/docsrs
else
    echo "no nightly toolchain: docs.rs build skipped"
fi
