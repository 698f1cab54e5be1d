//! The KB has a fixed set of categories (`deflect_compile::CATEGORIES`); an export's
//! sections and labels are many and free-form. Each article gets the category its
//! groups and title point to, and keeps its groups as tags.

/// Words that place an article in a category, checked in this order.
const HINTS: &[(&str, &[&str])] = &[
    (
        "billing",
        &[
            "billing",
            "payment",
            "invoice",
            "refund",
            "price",
            "pricing",
            "subscription",
            "plan",
            "order",
            "purchase",
            "checkout",
            "tax",
            "coupon",
        ],
    ),
    (
        "delivery",
        &[
            "shipping", "delivery", "shipment", "tracking", "customs", "return", "warranty",
            "download",
        ],
    ),
    (
        "access",
        &[
            "account",
            "login",
            "log in",
            "sign in",
            "password",
            "access",
            "license",
            "licence",
            "activation",
            "email",
            "profile",
        ],
    ),
    (
        "community",
        &[
            "community",
            "forum",
            "discord",
            "education",
            "classroom",
            "event",
        ],
    ),
];

/// The category of an article in `groups` (most specific last) titled `title`;
/// `tech` when nothing points elsewhere.
pub fn guess(groups: &[String], title: &str) -> &'static str {
    let texts = groups.iter().rev().map(String::as_str).chain([title]);
    for text in texts {
        let lower = text.to_lowercase();
        if let Some((category, _)) = HINTS
            .iter()
            .find(|(_, words)| words.iter().any(|w| lower.contains(w)))
        {
            return category;
        }
    }
    "tech"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_then_title_choose_a_known_category() {
        let groups = |g: &[&str]| g.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            guess(&groups(&["Store Support", "Shipping"]), "Where is it?"),
            "delivery"
        );
        assert_eq!(
            guess(&groups(&["Hardware"]), "Reset your password"),
            "access"
        );
        assert_eq!(guess(&[], "Upload a sketch"), "tech");
        for g in ["billing", "delivery", "access", "community", "tech"] {
            assert!(deflect_compile::CATEGORIES.contains(&g));
        }
    }
}
