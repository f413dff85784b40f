//! IPC smoke tests through Tauri's real invoke path on the mock runtime (no window): the command
//! names the UI calls, the camelCase argument names, the capability that allows each command,
//! and the JSON of errors.

mod common;

use common::{Fixture, DEMO};
use retort_app::COMMANDS;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// Fields drop in order: the app (and its state) before the temp folder it works in.
struct Ipc {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    fixture_dir: std::path::PathBuf,
    _fixture: tempfile::TempDir,
}

impl Ipc {
    /// The app as `run()` builds it (handler, tauri.conf.json, capabilities), on the mock runtime,
    /// with the demo project open.
    fn new() -> Ipc {
        // Native dialogs cannot run here: the test hooks answer "cancelled".
        std::env::set_var(retort_app::PICK_FOLDER_ENV, "");
        std::env::set_var(retort_app::PICK_FILE_ENV, "");
        std::env::set_var(retort_app::SAVE_FILE_ENV, "");
        let Fixture { dir, state } = Fixture::new();
        tauri::async_runtime::block_on(state.open_startup_project()).expect("demo project");
        let app = mock_builder()
            .manage(state)
            .invoke_handler(retort_app::invoke_handler())
            .build(retort_app::context())
            .expect("app builds");
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("main window");
        Ipc {
            fixture_dir: dir.path().to_path_buf(),
            _fixture: dir,
            _app: app,
            webview,
        }
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request)
            .map(|body| body.deserialize::<Value>().expect("JSON response"))
    }
}

fn upgrade(target: &str) -> Value {
    json!({ "kind": "upgrade", "target": target, "targets": [], "purge": false })
}

/// An error that comes from the command itself, not from Tauri refusing the call.
fn reached_the_command(response: &Result<Value, Value>) -> bool {
    match response {
        Ok(_) => true,
        Err(Value::Object(error)) => error.contains_key("kind"),
        Err(_) => false,
    }
}

#[test]
fn every_command_is_registered_and_allowed() {
    let ipc = Ipc::new();
    let args = |command: &str| match command {
        "open_project" => json!({ "path": ipc.fixture_dir.join("demo") }),
        "new_project" => json!({ "dir": ipc.fixture_dir.join("new") }),
        "save_connection" | "test_connection_input" => json!({ "input": {
            "id": null, "name": "x", "dialect": "sqlite", "host": null, "port": null,
            "database": null, "user": null, "password": null,
            "sqlite_path": ipc.fixture_dir.join("x.db"), "production": false
        }}),
        "duplicate_connection" | "delete_connection" => json!({ "id": "saved-none" }),
        "test_connection" | "select_connection" => json!({ "id": "project", "password": null }),
        "pick_sqlite_file" => json!({ "create": false }),
        "revision_detail" | "revision_schema_diff" => json!({ "revision": DEMO[0] }),
        "preview_action" | "offline_sql" => json!({ "action": upgrade("head") }),
        "run_action" => json!({
            "action": upgrade("+1"), "runId": "r1", "confirmDatabase": null, "onEvent": "__CHANNEL__:1"
        }),
        "cancel_run" | "run_schema_diff" => json!({ "runId": "r1" }),
        "run_roundtrip_test" => json!({ "runId": "", "onProgress": "__CHANNEL__:2" }),
        "schema_snapshot" => json!({ "schema": null }),
        "table_rows" => json!({ "schema": null, "table": "nope", "limit": 5 }),
        "apply_fix" => json!({ "fixId": "nope", "confirmDatabase": null }),
        "autogenerate_revision" => json!({ "message": "" }),
        "list_backups" => json!({ "all": false }),
        "restore_backup" => json!({ "id": "nope", "confirmDatabase": null }),
        "set_backup_keep" => json!({ "keep": 10 }),
        _ => json!({}),
    };
    for command in COMMANDS {
        let response = ipc.invoke(command, args(command));
        assert!(
            reached_the_command(&response),
            "{command} did not reach the command: {response:?}"
        );
    }
    let unknown = ipc.invoke("drop_database", json!({}));
    assert!(!reached_the_command(&unknown), "{unknown:?}");
}

#[test]
fn arguments_are_camel_case_on_the_js_side() {
    let ipc = Ipc::new();
    let outcome = ipc
        .invoke(
            "run_action",
            json!({
                "action": upgrade("+1"),
                "runId": "r1",
                "confirmDatabase": null,
                "onEvent": "__CHANNEL__:7",
            }),
        )
        .expect("run_action with camelCase arguments");
    assert_eq!(outcome["current"], json!([DEMO[0]]));
    assert!(
        outcome["duration_ms"].is_number(),
        "fields stay snake_case: {outcome}"
    );

    let snake = ipc.invoke(
        "run_action",
        json!({
            "action": upgrade("+1"),
            "run_id": "r2",
            "confirm_database": null,
            "on_event": "__CHANNEL__:8",
        }),
    );
    let message = snake
        .expect_err("snake_case names are not the API")
        .to_string();
    assert!(message.contains("runId"), "{message}");

    ipc.invoke("cancel_run", json!({ "runId": "not-running" }))
        .expect("cancel_run takes runId");
    let state = ipc.invoke("db_state", json!({})).expect("db_state");
    assert_eq!(state["connection_id"], "project");
    assert_eq!(state["current"], json!([DEMO[0]]));
    let sql = ipc
        .invoke("offline_sql", json!({ "action": upgrade("+1") }))
        .expect("offline_sql");
    assert!(
        sql.as_str().unwrap().contains("CREATE TABLE projects"),
        "{sql}"
    );
}

#[test]
fn errors_are_kind_message_detail() {
    let ipc = Ipc::new();
    let error = ipc
        .invoke("revision_detail", json!({ "revision": "zzz" }))
        .expect_err("unknown revision");
    let keys: Vec<&String> = error.as_object().expect("an object").keys().collect();
    assert_eq!(keys, vec!["detail", "kind", "message"], "{error}");
    assert_eq!(error["kind"], "resolution");
    assert_eq!(
        error["message"],
        "Can't locate revision identified by 'zzz'"
    );
    assert!(error["detail"].is_string());

    let error = ipc
        .invoke(
            "select_connection",
            json!({ "id": "saved-none", "password": null }),
        )
        .expect_err("unknown connection");
    assert_eq!(error["kind"], "no_connection");
    assert_eq!(error["detail"], Value::Null);

    let error = ipc
        .invoke("open_project", json!({ "path": "/nonexistent/retort" }))
        .expect_err("no project there");
    assert_eq!(error["kind"], "config");

    // Dialog commands answer through the test hooks: cancelled is null.
    assert_eq!(ipc.invoke("pick_folder", json!({})), Ok(Value::Null));
    assert_eq!(ipc.invoke("export_activity", json!({})), Ok(Value::Null));
    assert_eq!(ipc.invoke("export_diagnostics", json!({})), Ok(Value::Null));
    let error = ipc
        .invoke(
            "apply_fix",
            json!({ "fixId": "nope", "confirmDatabase": null }),
        )
        .expect_err("unknown fix");
    assert_eq!(error["kind"], "command");
}

#[test]
fn the_capability_grants_exactly_the_app_commands_and_core_defaults() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json"),
    )
    .expect("capabilities/default.json");
    let capability: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(capability["windows"], json!(["main"]));
    let permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission names"))
        .collect();
    let mut expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.extend(
        [
            "core:app:default",
            "core:event:default",
            "core:window:default",
        ]
        .map(String::from),
    );
    let mut actual: Vec<String> = permissions.iter().map(|p| p.to_string()).collect();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected);
}
