//! Typo fixes: the KB's words within a small edit distance of one it does not know.

/// The KB words within a typo of `word`: one edit for words of 4–7 letters, two from 8.
pub(super) fn nearest_words(word: &str, vocabulary: &[String]) -> Vec<String> {
    let len = word.chars().count();
    let max = match len {
        0..=3 => return Vec::new(),
        4..=7 => 1,
        _ => 2,
    };
    let mut chars = word.chars();
    let (first, second) = (chars.next(), chars.next());
    // A typo rarely hits the first letter; checking it first keeps the scan cheap on
    // large KBs (a swap of the first two letters is still found).
    let mut best: Vec<(usize, &String)> = vocabulary
        .iter()
        .filter(|v| {
            let mut c = v.chars();
            let (f, s) = (c.next(), c.next());
            f == first || (f == second && s == first)
        })
        .filter(|v| v.chars().count().abs_diff(len) <= max)
        .filter_map(|v| bounded_edit_distance(word, v, max).map(|d| (d, v)))
        .collect();
    best.sort();
    let Some(nearest) = best.first().map(|(d, _)| *d) else {
        return Vec::new();
    };
    best.into_iter()
        .take_while(|(d, _)| *d == nearest)
        .take(2)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Levenshtein distance (with adjacent swaps), or `None` if it exceeds `max`.
fn bounded_edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        before = std::mem::replace(&mut previous, current);
    }
    let d = previous[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos_and_gives_up_past_the_bound() {
        assert_eq!(bounded_edit_distance("password", "password", 2), Some(0));
        assert_eq!(bounded_edit_distance("pasword", "password", 2), Some(1));
        assert_eq!(bounded_edit_distance("passowrd", "password", 2), Some(1));
        assert_eq!(bounded_edit_distance("refnud", "refund", 1), Some(1));
        assert_eq!(bounded_edit_distance("invoice", "subscription", 2), None);
        assert_eq!(bounded_edit_distance("", "ab", 2), Some(2));
    }

    #[test]
    fn only_words_of_four_letters_or_more_get_typo_fixes() {
        let vocabulary: Vec<String> = ["card", "cart", "password", "refund"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(nearest_words("pasword", &vocabulary), ["password"]);
        assert_eq!(nearest_words("refnd", &vocabulary), ["refund"]);
        assert!(nearest_words("car", &vocabulary).is_empty());
        assert_eq!(nearest_words("carx", &vocabulary), ["card", "cart"]);
        assert!(nearest_words("zebra", &vocabulary).is_empty());
    }
}
