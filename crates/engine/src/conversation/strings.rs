//! What the bot says, per language; the conversation's language (the visitor's page
//! language, when the KB has it) picks the table, English otherwise. The widget's own
//! labels are translated in `www/widget/strings/*.json` the same way.

/// Every line the bot says in one language.
pub struct Strings {
    pub found: &'static str,
    pub not_sure: &'static str,
    pub nothing_found: &'static str,
    pub flow_article: &'static str,
    pub solved: &'static str,
    pub try_next: &'static str,
    pub self_service_first: &'static str,
    pub details_invalid: &'static str,
    /// With `{brand}`, `{response_time}` and `{reference}` filled in.
    handed_off: &'static str,
    /// With `{response_time}` and `{reference}` filled in.
    already_handed_off: &'static str,
}

const EN: Strings = Strings {
    found: "Here's what I found:",
    not_sure: "I'm not sure I understood. These might help — or I can get a person to help you.",
    nothing_found: "I couldn't find anything about that. Try other words, or talk to a person.",
    flow_article: "This article should help:",
    solved: "Great — glad that's sorted! Anything else?",
    try_next: "Sorry about that. Let's try something else:",
    self_service_first: "Most problems like this are fixed in a minute with these steps. If they don't help, press \u{201c}Talk to a person\u{201d} again and I'll pass this on.",
    details_invalid: "Please check the highlighted details.",
    handed_off: "Thanks — I've passed this to the {brand} team. A person will reply {response_time}. Your reference: {reference}.",
    already_handed_off: "Your request {reference} is with our team; a person will reply {response_time}.",
};

const ES: Strings = Strings {
    found: "Esto es lo que encontré:",
    not_sure: "No estoy seguro de haberte entendido. Esto podría ayudarte, o puedo pasarte con una persona.",
    nothing_found: "No encontré nada sobre eso. Prueba con otras palabras o habla con una persona.",
    flow_article: "Este artículo debería ayudarte:",
    solved: "¡Genial, me alegra que esté resuelto! ¿Algo más?",
    try_next: "Lo siento. Probemos otra cosa:",
    self_service_first: "La mayoría de los problemas como este se resuelven en un minuto con estos pasos. Si no te ayudan, pulsa otra vez «Hablar con una persona» y se lo paso al equipo.",
    details_invalid: "Revisa los datos marcados.",
    handed_off: "Gracias, he pasado tu consulta al equipo de {brand}. Una persona te responderá {response_time}. Tu referencia: {reference}.",
    already_handed_off: "Tu solicitud {reference} ya está con nuestro equipo; una persona te responderá {response_time}.",
};

/// The bot's lines in `lang` ("es"), English when there is no translation.
pub fn for_lang(lang: &str) -> &'static Strings {
    match lang {
        "es" => &ES,
        _ => &EN,
    }
}

impl Strings {
    pub fn handed_off(&self, brand: &str, response_time: &str, reference: &str) -> String {
        self.handed_off
            .replace("{brand}", brand)
            .replace("{response_time}", response_time)
            .replace("{reference}", reference)
    }

    pub fn already_handed_off(&self, response_time: &str, reference: &str) -> String {
        self.already_handed_off
            .replace("{response_time}", response_time)
            .replace("{reference}", reference)
    }
}

/// Why a ticket was raised, for the support team reading the inbox: in the team's
/// language (English), whatever the visitor's.
pub const MISSES_REASON: &str = "Suggested answers did not help";
pub const HUMAN_REQUESTED: &str = "Visitor asked to talk to a person";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_visitors_get_spanish_lines_and_others_english() {
        assert_eq!(for_lang("es").found, "Esto es lo que encontré:");
        assert_eq!(for_lang("fr").found, EN.found);
        let line = for_lang("es").handed_off("Brushwork", "en 24 horas", "DF-1");
        assert_eq!(
            line,
            "Gracias, he pasado tu consulta al equipo de Brushwork. Una persona te responderá en 24 horas. Tu referencia: DF-1."
        );
    }
}
