//! The words of e-mails to visitors, in their browser's language where we have it (the
//! widget's languages: English, German, French, Spanish); anything else is English.
//! Members' e-mails are English (accounts have no language yet).
//!
//! Templates hold `{name}`-style placeholders, filled by [`fill`].

/// One language's words.
pub struct VisitorWords {
    pub hello: &'static str,
    pub hello_name: &'static str,
    pub reply_subject_one: &'static str,
    pub reply_subject_many: &'static str,
    pub reply_intro: &'static str,
    pub answer_on: &'static str,
    pub answer_button: &'static str,
    pub not_read: &'static str,
    pub reply_transcript_heading: &'static str,
    pub transcript_subject: &'static str,
    pub transcript_intro: &'static str,
    pub transcript_earlier: &'static str,
    pub transcript_footer: &'static str,
}

const EN: VisitorWords = VisitorWords {
    hello: "Hello,",
    hello_name: "Hello {name},",
    reply_subject_one: "{sender} replied to you at {workspace}",
    reply_subject_many: "{count} new replies from {workspace}",
    reply_intro: "you have a reply from {workspace} you have not read yet:",
    answer_on: "Answer in the chat on {url}",
    answer_button: "Answer in the chat",
    not_read: "Replies to this e-mail are not read: please answer in the chat.",
    reply_transcript_heading: "The conversation so far:",
    transcript_subject: "Your conversation with {workspace}",
    transcript_intro: "Your conversation with {workspace}, started {time}:",
    transcript_earlier: "(earlier messages left out)",
    transcript_footer: "You asked for this transcript in the chat on the website.",
};

const DE: VisitorWords = VisitorWords {
    hello: "Hallo,",
    hello_name: "Hallo {name},",
    reply_subject_one: "{sender} hat Ihnen bei {workspace} geantwortet",
    reply_subject_many: "{count} neue Antworten von {workspace}",
    reply_intro: "Sie haben eine ungelesene Antwort von {workspace}:",
    answer_on: "Antworten Sie im Chat auf {url}",
    answer_button: "Im Chat antworten",
    not_read: "Antworten auf diese E-Mail werden nicht gelesen: Bitte antworten Sie im Chat.",
    reply_transcript_heading: "Das bisherige Gespräch:",
    transcript_subject: "Ihr Gespräch mit {workspace}",
    transcript_intro: "Ihr Gespräch mit {workspace}, begonnen am {time}:",
    transcript_earlier: "(frühere Nachrichten ausgelassen)",
    transcript_footer: "Sie haben dieses Protokoll im Chat auf der Website angefordert.",
};

const FR: VisitorWords = VisitorWords {
    hello: "Bonjour,",
    hello_name: "Bonjour {name},",
    reply_subject_one: "{sender} vous a répondu chez {workspace}",
    reply_subject_many: "{count} nouvelles réponses de {workspace}",
    reply_intro: "vous avez une réponse de {workspace} que vous n'avez pas encore lue :",
    answer_on: "Répondez dans le chat sur {url}",
    answer_button: "Répondre dans le chat",
    not_read: "Les réponses à cet e-mail ne sont pas lues : merci de répondre dans le chat.",
    reply_transcript_heading: "La conversation jusqu'ici :",
    transcript_subject: "Votre conversation avec {workspace}",
    transcript_intro: "Votre conversation avec {workspace}, commencée le {time} :",
    transcript_earlier: "(messages précédents omis)",
    transcript_footer: "Vous avez demandé cette transcription dans le chat du site.",
};

const ES: VisitorWords = VisitorWords {
    hello: "Hola,",
    hello_name: "Hola, {name}:",
    reply_subject_one: "{sender} te ha respondido en {workspace}",
    reply_subject_many: "{count} respuestas nuevas de {workspace}",
    reply_intro: "tienes una respuesta de {workspace} que aún no has leído:",
    answer_on: "Responde en el chat de {url}",
    answer_button: "Responder en el chat",
    not_read: "Las respuestas a este correo no se leen: responde en el chat, por favor.",
    reply_transcript_heading: "La conversación hasta ahora:",
    transcript_subject: "Tu conversación con {workspace}",
    transcript_intro: "Tu conversación con {workspace}, iniciada el {time}:",
    transcript_earlier: "(se omitieron mensajes anteriores)",
    transcript_footer: "Pediste esta transcripción en el chat del sitio web.",
};

/// The words for a browser language such as `de-AT` (English when we have none).
pub fn for_language(language: &str) -> &'static VisitorWords {
    let primary = language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    match primary.as_str() {
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        _ => &EN,
    }
}

/// Replaces each `{key}` of `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (key, value)| text.replace(&format!("{{{key}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_fall_back_to_english() {
        assert_eq!(for_language("de-AT").hello, "Hallo,");
        assert_eq!(for_language("FR").hello, "Bonjour,");
        assert_eq!(for_language("es_MX").answer_button, "Responder en el chat");
        assert_eq!(for_language("ja").hello, "Hello,");
        assert_eq!(for_language("").hello, "Hello,");
    }

    #[test]
    fn every_language_has_the_same_placeholders() {
        let placeholders = |w: &VisitorWords| {
            [
                w.hello_name,
                w.reply_subject_one,
                w.reply_subject_many,
                w.reply_intro,
                w.answer_on,
                w.transcript_subject,
                w.transcript_intro,
            ]
            .map(|t| {
                let mut keys: Vec<&str> = t.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
                keys.sort_unstable();
                keys
            })
        };
        for words in [&DE, &FR, &ES] {
            assert_eq!(placeholders(words), placeholders(&EN));
        }
        assert_eq!(fill("{a} and {b}", &[("a", "1"), ("b", "2")]), "1 and 2");
    }
}
