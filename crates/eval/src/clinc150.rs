//! CLINC150 as a help centre (see `shared/data/clinc150/README.md`): one article per
//! intent whose example questions are the intent's first K rows of `train.csv`; every
//! `val.csv` row is a question to answer, and `clinc-oos/oos_val.txt` the out-of-scope
//! questions.

use std::path::Path;

use super::protocol::{Protocol, relabel, take_examples};
use super::{read_labelled, read_lines};

/// The dev protocol with `examples` example questions per article, from the data
/// folder (`clinc150/train.csv`, `clinc150/val.csv`, `clinc-oos/oos_val.txt`).
pub fn protocol(data: &Path, examples: usize) -> Result<Protocol, String> {
    let rows = read_labelled(&data.join("clinc150/train.csv"))?;
    let (intents, _unused) = take_examples(rows, examples);
    Ok(Protocol {
        name: "CLINC150".into(),
        intents,
        questions: relabel(read_labelled(&data.join("clinc150/val.csv"))?),
        out_of_scope: read_lines(&data.join("clinc-oos/oos_val.txt"))?,
    })
}
