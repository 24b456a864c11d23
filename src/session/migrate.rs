//! Upgrading session files written by older versions of anpl.
//!
//! Each step takes the JSON of version N and returns version N+1, so a file of any past
//! version reaches the current one by applying the steps in order. Working on untyped JSON
//! keeps old shapes out of the typed model.

use serde_json::Value;

use super::model::SESSION_VERSION;

type Step = fn(Value) -> Result<Value, String>;

/// Steps indexed by the version they upgrade from: `STEPS[0]` turns version 0 into 1.
const STEPS: &[Step] = &[from_v0, from_v1];

pub fn migrate(mut value: Value) -> Result<Value, String> {
    let Some(object) = value.as_object() else {
        return Err("a session file must hold a JSON object".to_string());
    };
    let mut version = match object.get("version") {
        None => 0,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| format!("\"version\" must be a whole number, found {v}"))?,
    };
    if version > u64::from(SESSION_VERSION) {
        return Err(format!(
            "the session was written by a newer anpl (format version {version}, this build reads up to {SESSION_VERSION}); upgrade anpl to open it"
        ));
    }
    while version < u64::from(SESSION_VERSION) {
        let step = STEPS
            .get(version as usize)
            .ok_or_else(|| format!("no migration from session format version {version}"))?;
        value = step(value)?;
        version += 1;
    }
    Ok(value)
}

/// Version 0 is a file without a `version` field: the same shape as version 1, which added
/// the field and made every collection optional.
fn from_v0(mut value: Value) -> Result<Value, String> {
    if let Some(object) = value.as_object_mut() {
        object.insert("version".to_string(), Value::from(1));
        object
            .entry("sketch".to_string())
            .or_insert_with(|| Value::from(""));
    }
    Ok(value)
}

/// Version 2 trusts a status only with the hash of what it was decided on (`evidence`:
/// code, examples, program). Version 1 kept `verified`, a hash of code and examples set
/// only for `passing`, and left a `passing` hole passing after an example was added. Those
/// hashes are dropped, and a status that promised a passing check becomes `unchecked`
/// until anpl checks the hole again (the next compile, REPL or TUI does), so an upgraded
/// session never claims what was not re-checked.
fn from_v1(mut value: Value) -> Result<Value, String> {
    if let Some(object) = value.as_object_mut() {
        object.insert("version".to_string(), Value::from(2));
        if let Some(holes) = object.get_mut("holes").and_then(Value::as_object_mut) {
            for record in holes.values_mut() {
                if let Some(record) = record.as_object_mut() {
                    record.remove("verified");
                    if record.get("status").and_then(Value::as_str) == Some("passing") {
                        record.insert("status".to_string(), Value::from("unchecked"));
                    }
                }
            }
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unversioned_file_is_upgraded() {
        let v = migrate(json!({"holes": {}})).unwrap();
        assert_eq!(v["version"], json!(2));
        assert_eq!(v["sketch"], json!(""));
    }

    #[test]
    fn version_1_passing_is_no_longer_trusted_until_checked_again() {
        let v = migrate(json!({
            "version": 1,
            "sketch": "prog.py",
            "holes": {
                "f": {"fingerprint": "a", "status": "passing", "verified": "abc"},
                "g": {"fingerprint": "b", "status": "failing"}
            }
        }))
        .unwrap();
        assert_eq!(v["version"], json!(2));
        assert_eq!(
            v["holes"]["f"],
            json!({"fingerprint": "a", "status": "unchecked"})
        );
        assert_eq!(v["holes"]["g"]["status"], json!("failing"));
        let file: crate::session::SessionFile = serde_json::from_value(v).unwrap();
        assert_eq!(file.holes["f"].evidence, None);
    }

    #[test]
    fn newer_file_is_refused_with_a_reason() {
        let err = migrate(json!({"version": 99})).unwrap_err();
        assert!(err.contains("newer anpl"), "{err}");
    }

    #[test]
    fn non_object_is_refused() {
        assert!(migrate(json!([1, 2])).is_err());
    }
}
