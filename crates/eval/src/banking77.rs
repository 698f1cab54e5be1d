//! BANKING77 as a help centre (see `shared/data/banking77/README.md`): one article per
//! intent whose example questions are the intent's first K rows of `train.csv`; every
//! other row is a question to answer. CLINC150's `oos_val` questions are its
//! out-of-scope questions.

use std::path::Path;

use super::protocol::{Protocol, take_examples};
use super::{read_labelled, read_lines};

/// The dev protocol with `examples` example questions per article, from the data
/// folder (`banking77/train.csv`, `clinc-oos/oos_val.txt`).
pub fn protocol(data: &Path, examples: usize) -> Result<Protocol, String> {
    let rows = read_labelled(&data.join("banking77/train.csv"))?;
    let (intents, questions) = take_examples(rows, examples);
    Ok(Protocol {
        name: "BANKING77".into(),
        intents,
        questions,
        out_of_scope: read_lines(&data.join("clinc-oos/oos_val.txt"))?,
    })
}
