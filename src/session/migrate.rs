//! Upgrading session files written by older versions of anpl.
//!
//! Each step takes the JSON of version N and returns version N+1, so a file of any past
//! version reaches the current one by applying the steps in order. Working on untyped JSON
//! keeps old shapes out of the typed model.

use serde_json::Value;

use super::model::SESSION_VERSION;

type Step = fn(Value) -> Result<Value, String>;

/// Steps indexed by the version they upgrade from: `STEPS[0]` turns version 0 into 1.
const STEPS: &[Step] = &[from_v0];

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unversioned_file_is_upgraded() {
        let v = migrate(json!({"holes": {}})).unwrap();
        assert_eq!(v["version"], json!(1));
        assert_eq!(v["sketch"], json!(""));
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
