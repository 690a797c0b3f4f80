//! `dast.toml`: the project manifest.

use serde::Deserialize;

/// The parsed manifest. Profiles are kept as raw tables here; the build modes read them.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub package: Package,
    #[serde(default)]
    pub profile: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    #[serde(default = "default_version")]
    pub version: String,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn default_version() -> String {
    "0.1.0".into()
}

/// A manifest that could not be read: the message names the key and line.
#[derive(Debug)]
pub struct ManifestError(pub String);

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Manifest {
    pub fn parse(text: &str, path: &str) -> Result<Manifest, ManifestError> {
        toml::from_str(text).map_err(|e| {
            let loc = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!(":{line}")
                })
                .unwrap_or_default();
            ManifestError(format!("{path}{loc}: {}", e.message()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package() {
        let m = Manifest::parse("[package]\nname = \"demo\"\n", "dast.toml").unwrap();
        assert_eq!(m.package.name, "demo");
    }

    #[test]
    fn reports_line_of_bad_key() {
        let err = Manifest::parse("[package]\nname = \"x\"\nnme = 3\n", "dast.toml").unwrap_err();
        assert!(err.0.starts_with("dast.toml:3"), "{}", err.0);
        assert!(err.0.contains("nme"), "{}", err.0);
    }
}
