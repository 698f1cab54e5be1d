//! An increasing sequence stored as the steps between its numbers, which are small and
//! compress well (hashes sorted, running ends), and summed back up when read. Use with
//! `#[serde(with = "increasing")]` on a `Vec<u32>`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(values: &[u32], serializer: S) -> Result<S::Ok, S::Error> {
    let steps: Vec<u32> = values
        .iter()
        .scan(0u32, |previous, &v| {
            let step = v.wrapping_sub(*previous);
            *previous = v;
            Some(step)
        })
        .collect();
    steps.serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
    let steps = Vec::<u32>::deserialize(deserializer)?;
    Ok(steps
        .into_iter()
        .scan(0u32, |sum, step| {
            *sum = sum.wrapping_add(step);
            Some(*sum)
        })
        .collect())
}
