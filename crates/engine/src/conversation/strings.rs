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
    /// With `{response_time}` and `{reference}` filled in.
    already_handed_off: &'static str,
    /// With `{brand}`: the handoff has started and the visitor's email is not known.
    ask_contact: &'static str,
    /// The checklist's questions follow, each skippable.
    pub ask_details: &'static str,
    /// With `{brand}`, `{email}`, `{response_time}` and `{reference}`: the promise, once
    /// it can be kept.
    will_reply: &'static str,
    /// With `{brand}` and `{reference}`: handed off, but the visitor left no way to reply.
    no_way_to_reply: &'static str,
    /// The visitor's contact as recorded in the transcript, with `{email}`.
    contact_given: &'static str,
    /// Checklist answers a visitor can fix.
    pub invalid: Invalid,
}

/// What is wrong with an answer, in the visitor's language.
pub struct Invalid {
    /// With `{label}`.
    required: &'static str,
    /// With `{max}`.
    too_long: &'static str,
    /// With `{value}`.
    email: &'static str,
    pub url: &'static str,
    /// With `{options}`.
    choice: &'static str,
    pub order: &'static str,
    pub last4: &'static str,
    pub screenshot: &'static str,
}

impl Invalid {
    pub fn required(&self, label: &str) -> String {
        self.required.replace("{label}", label)
    }

    pub fn too_long(&self, max: usize) -> String {
        self.too_long.replace("{max}", &max.to_string())
    }

    pub fn email(&self, value: &str) -> String {
        self.email.replace("{value}", value)
    }

    pub fn choice(&self, options: &[String]) -> String {
        self.choice.replace("{options}", &options.join(", "))
    }
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
    already_handed_off: "Your request {reference} is with our team; a person will reply {response_time}.",
    ask_contact: "I'll pass this to the {brand} team. Where should they reply to you?",
    ask_details: "A few details help them answer without asking you again. Skip anything you don't know.",
    will_reply: "Thanks — the {brand} team will reply to {email} {response_time}. Your reference: {reference}.",
    no_way_to_reply: "Thanks — I've passed this to the {brand} team. Without an email they can't write to you, so keep your reference: {reference}.",
    contact_given: "My email: {email}",
    invalid: Invalid {
        required: "{label} is required.",
        too_long: "Please keep this under {max} characters.",
        email: "“{value}” is not an email address, e.g. name@example.com.",
        url: "Please paste a full link starting with https://",
        choice: "Please pick one of: {options}.",
        order: "Please enter just the order or invoice number, e.g. BA-10432.",
        last4: "Please enter only the last 4 digits of the card, never the whole number.",
        screenshot: "Please attach the image again.",
    },
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
    already_handed_off: "Tu solicitud {reference} ya está con nuestro equipo; una persona te responderá {response_time}.",
    ask_contact: "Le paso esto al equipo de {brand}. ¿A qué correo te respondemos?",
    ask_details: "Unos datos les ayudan a responderte sin volver a preguntarte. Omite lo que no sepas.",
    will_reply: "Gracias, el equipo de {brand} te responderá a {email} {response_time}. Tu referencia: {reference}.",
    no_way_to_reply: "Gracias, he pasado tu consulta al equipo de {brand}. Sin un correo no pueden escribirte, así que guarda tu referencia: {reference}.",
    contact_given: "Mi correo: {email}",
    invalid: Invalid {
        required: "{label}: este dato es obligatorio.",
        too_long: "Escribe menos de {max} caracteres.",
        email: "«{value}» no es un correo electrónico, p. ej. nombre@ejemplo.com.",
        url: "Pega un enlace completo que empiece por https://",
        choice: "Elige una de estas opciones: {options}.",
        order: "Escribe solo el número de pedido o de factura, p. ej. BA-10432.",
        last4: "Escribe solo los 4 últimos dígitos de la tarjeta, nunca el número entero.",
        screenshot: "Vuelve a adjuntar la imagen.",
    },
};

/// The bot's lines in `lang` ("es"), English when there is no translation.
pub fn for_lang(lang: &str) -> &'static Strings {
    match lang {
        "es" => &ES,
        _ => &EN,
    }
}

impl Strings {
    /// The lines `Conversation` records as the bot's (placeholders unfilled): what
    /// `bot_lines` accepts as said by the bot. A line added to the table and recorded
    /// must be added here too (the bot-line tests drive every path and fail otherwise).
    pub(super) fn recorded_lines(&self) -> [&'static str; 12] {
        [
            self.found,
            self.not_sure,
            self.nothing_found,
            self.flow_article,
            self.solved,
            self.try_next,
            self.self_service_first,
            self.already_handed_off,
            self.ask_contact,
            self.ask_details,
            self.will_reply,
            self.no_way_to_reply,
        ]
    }

    /// The intros of a line offering articles (followed by their titles).
    pub(super) fn offer_intros(&self) -> [&'static str; 3] {
        [self.found, self.not_sure, self.flow_article]
    }

    pub fn ask_contact(&self, brand: &str) -> String {
        self.ask_contact.replace("{brand}", brand)
    }

    pub fn will_reply(
        &self,
        brand: &str,
        email: &str,
        response_time: &str,
        reference: &str,
    ) -> String {
        self.will_reply
            .replace("{brand}", brand)
            .replace("{email}", email)
            .replace("{response_time}", response_time)
            .replace("{reference}", reference)
    }

    pub fn no_way_to_reply(&self, brand: &str, reference: &str) -> String {
        self.no_way_to_reply
            .replace("{brand}", brand)
            .replace("{reference}", reference)
    }

    pub fn contact_given(&self, email: &str) -> String {
        self.contact_given.replace("{email}", email)
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
        let line = for_lang("es").will_reply("Brushwork", "ana@example.com", "en 24 horas", "DF-1");
        assert_eq!(
            line,
            "Gracias, el equipo de Brushwork te responderá a ana@example.com en 24 horas. Tu referencia: DF-1."
        );
    }
}
