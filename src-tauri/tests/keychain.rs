//! A real round trip through the OS keychain. It writes to the user's keychain, so it runs only
//! with `RETORT_TEST_KEYCHAIN=1` and a keychain that answers, e.g. on a headless machine:
//! `dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets;
//! RETORT_TEST_KEYCHAIN=1 cargo test -p retort-app --test keychain'`.

use retort_app::Keychain;

#[test]
fn passwords_round_trip_through_the_os_keychain() {
    if std::env::var("RETORT_TEST_KEYCHAIN").map_or(true, |v| v != "1") {
        println!("SKIPPED: set RETORT_TEST_KEYCHAIN=1 to use the OS keychain");
        return;
    }
    let keychain = Keychain::detect();
    assert!(
        keychain.available(),
        "RETORT_TEST_KEYCHAIN=1 but no keychain answers"
    );
    let id = format!("retort-test-{:08x}", std::process::id());
    assert_eq!(keychain.get(&id).unwrap(), None);
    keychain.set(&id, "p@ss wörd").unwrap();
    assert_eq!(keychain.get(&id).unwrap().as_deref(), Some("p@ss wörd"));
    keychain.delete(&id).unwrap();
    assert_eq!(keychain.get(&id).unwrap(), None);
    keychain.delete(&id).unwrap();
}
