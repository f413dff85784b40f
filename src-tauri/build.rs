// Generates the app's permissions (`allow-<command>` for each command) so the capability file
// can grant exactly the app's own commands, and embeds tauri.conf.json and the UI.
include!("src/command_names.rs");

use std::path::Path;

/// `tauri::generate_context!` embeds ui/dist and fails to compile without it. On a checkout
/// where the UI was never built (a Rust-only CI step, a machine without Node), a placeholder
/// page keeps the workspace compiling; `npm run build` in ui/ replaces it.
fn ensure_ui_dist() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    let index = dist.join("index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    if index.exists() {
        return;
    }
    println!(
        "cargo:warning=ui/dist is missing: embedding a placeholder page. Build the UI first \
         (npm ci && npm run build in ui/) for a usable app."
    );
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Retort</title></head>\n\
                <body style=\"font: 15px system-ui, sans-serif; margin: 3em\">\n\
                <h1>Retort's interface is not built</h1>\n\
                <p>Run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>, then build the app again \
                (<code>cargo build -p retort-app</code>).</p>\n</body></html>\n";
    if let Err(e) = std::fs::create_dir_all(&dist).and_then(|()| std::fs::write(&index, page)) {
        println!(
            "cargo:warning=could not write a placeholder {}: {e}",
            index.display()
        );
    }
}

fn main() {
    ensure_ui_dist();
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
