//! lockbench: the side-by-side benchmark report (lands with the lockbench issue).
fn main() {
    println!("lockbench: not yet");
}
