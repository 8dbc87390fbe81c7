//! Renders `Bundle::describe()` for a terminal.

use serde_json::Value;

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

pub(crate) fn render(v: &Value) -> String {
    let mut out = String::new();
    let mut line = |k: &str, val: String| out.push_str(&format!("{k:<18} {val}\n"));
    line("media type", s(&v["mediaType"]));
    let signer = &v["signer"];
    if signer["type"] == "certificate" {
        line(
            "identity",
            format!(
                "{} ({})",
                s(&signer["identity"]),
                s(&signer["identityType"])
            ),
        );
        line("issuer", s(&signer["issuer"]));
        line(
            "certificate",
            format!(
                "valid {} .. {}",
                s(&signer["notBefore"]),
                s(&signer["notAfter"])
            ),
        );
        if let Some(claims) = signer["claims"].as_object() {
            for (k, val) in claims {
                line(&format!("  {k}"), s(val));
            }
        }
    } else {
        line(
            "signer",
            format!("managed key (hint {})", s(&signer["hint"])),
        );
    }
    let c = &v["content"];
    if c["type"] == "messageSignature" {
        line(
            "content",
            format!("message signature, digest {}", s(&c["digest"])),
        );
    } else {
        line(
            "content",
            format!("DSSE envelope, payload type {}", s(&c["payloadType"])),
        );
        let st = &c["statement"];
        line("  predicate type", s(&st["predicateType"]));
        for sub in st["subjects"].as_array().into_iter().flatten() {
            line(
                "  subject",
                format!("{} {}", s(&sub["name"]), sub["digest"]),
            );
        }
    }
    for e in v["tlogEntries"].as_array().into_iter().flatten() {
        line(
            "log entry",
            format!(
                "{} {} index {} in log {}, integrated {}, SET {}, proof {}",
                s(&e["kind"]),
                s(&e["version"]),
                s(&e["logIndex"]),
                &s(&e["logId"])[..16.min(s(&e["logId"]).len())],
                s(&e["integratedTime"]),
                s(&e["inclusionPromise"]),
                if e["inclusionProof"].is_null() {
                    "no".to_owned()
                } else {
                    "yes".to_owned()
                },
            ),
        );
    }
    line(
        "timestamps",
        format!("{} RFC 3161", s(&v["rfc3161Timestamps"])),
    );
    line(
        "verified",
        "no (inspect does not verify; use `sigverify verify`)".into(),
    );
    out
}
