//! `deflect sizes --parts`: where the bytes of the site's bundle go.

use std::path::Path;

use deflect_engine::bundle::Bundle;

/// Prints each part of the bundle `file` of the site in `out`, raw and gzipped.
pub fn print(out: &Path, file: &str) -> Result<(), String> {
    let bytes = std::fs::read(out.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let bundle = Bundle::decode(&bytes).map_err(|e| format!("{file}: {e}"))?;
    let parts = deflect_compile::part_sizes(&bundle).map_err(|e| e.to_string())?;
    println!(
        "\n{:<12} {:>10} {:>10}  ({file}, each part gzipped alone)",
        "part", "bytes", "gzip"
    );
    for part in parts {
        println!("{:<12} {:>10} {:>10}", part.name, part.bytes, part.gzip);
    }
    Ok(())
}
