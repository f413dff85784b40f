// The IPC commands, in the order the UI's sections use them. One list for build.rs (which
// generates an `allow-<command>` permission for each) and the app (the invoke handler, tests).
// Each must also appear in capabilities/default.json: the IPC smoke tests check both.

pub const COMMANDS: &[&str] = &[
    // Project
    "app_info",
    "current_project",
    "open_project",
    "open_demo_project",
    "new_project",
    "reload_project",
    "recent_projects",
    "pick_folder",
    // Connections
    "list_connections",
    "save_connection",
    "duplicate_connection",
    "delete_connection",
    "pick_sqlite_file",
    "test_connection",
    "test_connection_input",
    "select_connection",
    "db_state",
    // Timeline
    "revision_detail",
    // Actions
    "preview_action",
    "offline_sql",
    "run_action",
    "cancel_run",
    "run_schema_diff",
    // Schema
    "schema_snapshot",
    "revision_schema_diff",
    "table_rows",
    // Activity log
    "activity_list",
    "export_activity",
    // Backups
    "list_backups",
    "create_backup",
    "restore_backup",
    "set_backup_keep",
    // Checks: round-trip test and drift
    "run_roundtrip_test",
    "check_drift",
    // Drift: autogenerate
    "autogenerate_revision",
    // Troubleshoot (doctor)
    "diagnose",
    "apply_fix",
    "export_diagnostics",
];
