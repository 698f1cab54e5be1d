//! Quotations in a customer message: what someone else wrote, which never fires a rule
//! (`the email said "chargeback notice"`).

/// Pairs of quotation marks; the straight apostrophe is handled apart because it is
/// also the apostrophe of "don't".
const QUOTE_PAIRS: &[(char, char)] = &[('"', '"'), ('“', '”'), ('‘', '’'), ('«', '»'), ('„', '“')];

/// The stretches of `text` that are not inside a closed quotation.
pub(super) fn unquoted(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut part_start = 0;
    let mut iter = text.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = iter.next() {
        let after = i + c.len_utf8();
        let close = match QUOTE_PAIRS.iter().find(|(open, _)| *open == c) {
            Some(&(_, close)) => find_close(&text[after..], close, false),
            None if c == '\'' && previous.is_none_or(|p| !p.is_alphanumeric()) => {
                find_close(&text[after..], '\'', true)
            }
            None => None,
        };
        previous = Some(c);
        if let Some(len) = close {
            parts.push(&text[part_start..i]);
            let resume = after + len;
            part_start = resume;
            while iter.peek().is_some_and(|(j, _)| *j < resume) {
                iter.next();
            }
            previous = text[..resume].chars().next_back();
        }
    }
    parts.push(&text[part_start..]);
    parts
}

/// Bytes up to and including the closing mark, if the quotation is closed. A closing
/// apostrophe must end a word (`'chargeback notice'`, not the one in "don't").
fn find_close(rest: &str, close: char, word_end: bool) -> Option<usize> {
    rest.char_indices()
        .find(|&(i, c)| {
            c == close
                && (!word_end
                    || rest[i + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_none_or(|next| !next.is_alphanumeric()))
        })
        .map(|(i, c)| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_splits_around_closed_quotations_only() {
        assert_eq!(unquoted("a \"b\" c"), ["a ", " c"]);
        assert_eq!(unquoted("don't 'x' y"), ["don't ", " y"]);
        assert_eq!(unquoted("it's Sam's"), ["it's Sam's"]);
        assert_eq!(unquoted("open \" only"), ["open \" only"]);
        assert_eq!(unquoted("“é” ü"), ["", " ü"]);
    }
}
