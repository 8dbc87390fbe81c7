//! A decoded, unverified view of a bundle, for people (`sigverify inspect`).

use serde_json::{json, Value};

use crate::bundle::{Bundle, Content, Material};
use crate::dsse::Statement;
use crate::result::Claim;
use crate::time::format_time;
use crate::x509::Leaf;
use crate::Backend;

impl Bundle {
    /// Describes the bundle's contents as JSON **without verifying anything**: media type,
    /// signer and claims as the certificate states them, log entries, timestamps, statement.
    pub fn describe(&self) -> Value {
        let backend = Backend::default();
        let signer = match &self.material {
            Material::Certificate(der) => match Leaf::parse(der, backend) {
                Ok(leaf) => {
                    let claims: serde_json::Map<String, Value> = Claim::from_leaf(&leaf)
                        .into_iter()
                        .map(|c| (c.name.to_owned(), Value::String(c.value)))
                        .collect();
                    json!({
                        "type": "certificate",
                        "identity": leaf.san.as_ref().map(|s| s.value()),
                        "identityType": leaf.san.as_ref().map(|s| s.kind()),
                        "issuer": leaf.issuer(),
                        "notBefore": format_time(leaf.validity.start),
                        "notAfter": leaf.validity.end.map(format_time),
                        "embeddedSCTs": leaf.sct_list.is_some(),
                        "claims": claims,
                    })
                }
                Err(e) => json!({"type": "certificate", "error": e.to_string()}),
            },
            Material::PublicKey { hint } => json!({"type": "key", "hint": hint}),
        };
        let entries: Vec<Value> = self
            .tlog_entries
            .iter()
            .map(|e| {
                json!({
                    "logId": hex::encode(&e.log_id),
                    "logIndex": e.log_index,
                    "kind": e.kind,
                    "version": e.version,
                    "integratedTime": (e.integrated_time > 0).then(|| format_time(e.integrated_time as i64)),
                    "inclusionPromise": e.set.is_some(),
                    "inclusionProof": e.proof.as_ref().map(|p| json!({
                        "logIndex": p.log_index, "treeSize": p.tree_size,
                        "checkpointOrigin": p.checkpoint.lines().next(),
                    })),
                })
            })
            .collect();
        let content = match &self.content {
            Content::MessageSignature { digest, .. } => json!({
                "type": "messageSignature",
                "digest": digest.as_ref().map(|(a, d)| format!("{}:{}", a.name(), hex::encode(d))),
            }),
            Content::Dsse(env) => {
                let st = Statement::parse(&env.payload).ok();
                json!({
                    "type": "dsseEnvelope",
                    "payloadType": env.payload_type,
                    "statement": st.map(|s| json!({
                        "type": s.statement_type,
                        "predicateType": s.predicate_type,
                        "subjects": s.subjects.iter().map(|x| json!({"name": x.name, "digest": x.digest})).collect::<Vec<_>>(),
                    })),
                })
            }
        };
        json!({
            "mediaType": self.media_type,
            "bundleVersion": self.version.as_str(),
            "signer": signer,
            "content": content,
            "tlogEntries": entries,
            "rfc3161Timestamps": self.timestamps.len(),
            "verified": false,
        })
    }
}
