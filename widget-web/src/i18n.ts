//! The widget's texts in English, German, French and Spanish. The locale comes from the
//! browser unless the host page sets one; unknown keys cannot exist (the tables are typed
//! against the English one).

const en = {
  openChat: "Open chat",
  closeChat: "Close chat",
  chatWith: "Chat with us",
  online: "We reply in a few minutes",
  offline: "We're away right now",
  connecting: "Connecting…",
  reconnecting: "Connection lost. Reconnecting…",
  send: "Send",
  attach: "Attach a file",
  sending: "Sending…",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent.",
  retry: "Retry",
  typing: "{name} is typing…",
  someone: "Someone",
  you: "You",
  earlier: "Show earlier messages",
  preChatIntro: "Before we start, tell us who you are.",
  name: "Name",
  email: "E-mail",
  message: "Message",
  start: "Start chat",
  required: "Please fill this in.",
  badEmail: "Please enter a valid e-mail address.",
  offlineSend: "Leave a message",
  offlineThanks: "Thanks! We'll get back to you by e-mail.",
  queue: "You're number {n} in line. An agent will be with you shortly.",
  botNote: "You're chatting with our assistant.",
  human: "Talk to a person",
  resolved: "This conversation was marked as solved.",
  rate: "How was your conversation?",
  rateStar: "{n} of 5",
  comment: "Anything to add? (optional)",
  rateSend: "Send rating",
  rated: "Thanks for your feedback!",
  tooBig: "{file} is too big (at most 10 MB).",
  badType: "{file} can't be sent: use an image, PDF, Office document, ZIP or text file.",
  uploading: "Uploading {file}… {pct}%",
  uploadFailed: "{file} could not be uploaded: {why}",
  unread: "{n} unread",
  newMessage: "New message",
  powered: "Powered by Porthole",
  cantStart: "The chat can't start right now. Please try again later.",
  previewVisitor: "Hi! Do you ship to Norway?",
  previewAgent: "We do: delivery takes 3–5 days.",
};

/** A key of the string table. */
export type TextKey = keyof typeof en;
type Table = Record<TextKey, string>;

const de: Table = {
  openChat: "Chat öffnen",
  closeChat: "Chat schließen",
  chatWith: "Schreiben Sie uns",
  online: "Wir antworten in wenigen Minuten",
  offline: "Wir sind gerade nicht da",
  connecting: "Verbinde…",
  reconnecting: "Verbindung unterbrochen. Verbinde neu…",
  send: "Senden",
  attach: "Datei anhängen",
  sending: "Wird gesendet…",
  delivered: "Zugestellt",
  read: "Gelesen",
  failed: "Nicht gesendet.",
  retry: "Erneut senden",
  typing: "{name} schreibt…",
  someone: "Jemand",
  you: "Sie",
  earlier: "Frühere Nachrichten anzeigen",
  preChatIntro: "Bevor es losgeht: Wer sind Sie?",
  name: "Name",
  email: "E-Mail",
  message: "Nachricht",
  start: "Chat starten",
  required: "Bitte ausfüllen.",
  badEmail: "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
  offlineSend: "Nachricht hinterlassen",
  offlineThanks: "Danke! Wir antworten Ihnen per E-Mail.",
  queue: "Sie sind Nummer {n} in der Warteschlange. Gleich ist jemand für Sie da.",
  botNote: "Sie chatten mit unserem Assistenten.",
  human: "Mit einem Menschen sprechen",
  resolved: "Diese Unterhaltung wurde als gelöst markiert.",
  rate: "Wie war die Unterhaltung?",
  rateStar: "{n} von 5",
  comment: "Noch etwas? (optional)",
  rateSend: "Bewertung senden",
  rated: "Danke für Ihr Feedback!",
  tooBig: "{file} ist zu groß (höchstens 10 MB).",
  badType: "{file} kann nicht gesendet werden: Bilder, PDF, Office, ZIP oder Text.",
  uploading: "{file} wird hochgeladen… {pct} %",
  uploadFailed: "{file} konnte nicht hochgeladen werden: {why}",
  unread: "{n} ungelesen",
  newMessage: "Neue Nachricht",
  powered: "Bereitgestellt von Porthole",
  cantStart: "Der Chat kann gerade nicht starten. Bitte versuchen Sie es später erneut.",
  previewVisitor: "Hallo! Liefert ihr nach Norwegen?",
  previewAgent: "Ja, die Lieferung dauert 3–5 Tage.",
};

const fr: Table = {
  openChat: "Ouvrir le chat",
  closeChat: "Fermer le chat",
  chatWith: "Discutons",
  online: "Nous répondons en quelques minutes",
  offline: "Nous sommes absents pour le moment",
  connecting: "Connexion…",
  reconnecting: "Connexion perdue. Reconnexion…",
  send: "Envoyer",
  attach: "Joindre un fichier",
  sending: "Envoi…",
  delivered: "Distribué",
  read: "Lu",
  failed: "Non envoyé.",
  retry: "Réessayer",
  typing: "{name} écrit…",
  someone: "Quelqu'un",
  you: "Vous",
  earlier: "Voir les messages précédents",
  preChatIntro: "Avant de commencer, dites-nous qui vous êtes.",
  name: "Nom",
  email: "E-mail",
  message: "Message",
  start: "Démarrer",
  required: "Merci de remplir ce champ.",
  badEmail: "Merci d'indiquer une adresse e-mail valide.",
  offlineSend: "Laisser un message",
  offlineThanks: "Merci ! Nous vous répondrons par e-mail.",
  queue: "Vous êtes numéro {n} dans la file. Un conseiller arrive bientôt.",
  botNote: "Vous discutez avec notre assistant.",
  human: "Parler à une personne",
  resolved: "Cette conversation a été marquée comme résolue.",
  rate: "Comment s'est passée la conversation ?",
  rateStar: "{n} sur 5",
  comment: "Un commentaire ? (facultatif)",
  rateSend: "Envoyer la note",
  rated: "Merci pour votre avis !",
  tooBig: "{file} est trop volumineux (10 Mo au plus).",
  badType: "{file} ne peut pas être envoyé : image, PDF, Office, ZIP ou texte.",
  uploading: "Envoi de {file}… {pct} %",
  uploadFailed: "{file} n'a pas pu être envoyé : {why}",
  unread: "{n} non lus",
  newMessage: "Nouveau message",
  powered: "Propulsé par Porthole",
  cantStart: "Le chat ne peut pas démarrer pour le moment. Réessayez plus tard.",
  previewVisitor: "Bonjour ! Livrez-vous en Norvège ?",
  previewAgent: "Oui : la livraison prend 3 à 5 jours.",
};

const es: Table = {
  openChat: "Abrir chat",
  closeChat: "Cerrar chat",
  chatWith: "Hablemos",
  online: "Respondemos en pocos minutos",
  offline: "Ahora no estamos disponibles",
  connecting: "Conectando…",
  reconnecting: "Conexión perdida. Reconectando…",
  send: "Enviar",
  attach: "Adjuntar archivo",
  sending: "Enviando…",
  delivered: "Entregado",
  read: "Leído",
  failed: "No enviado.",
  retry: "Reintentar",
  typing: "{name} está escribiendo…",
  someone: "Alguien",
  you: "Tú",
  earlier: "Ver mensajes anteriores",
  preChatIntro: "Antes de empezar, dinos quién eres.",
  name: "Nombre",
  email: "Correo electrónico",
  message: "Mensaje",
  start: "Empezar chat",
  required: "Rellena este campo.",
  badEmail: "Introduce un correo electrónico válido.",
  offlineSend: "Dejar un mensaje",
  offlineThanks: "¡Gracias! Te responderemos por correo.",
  queue: "Eres el número {n} en la cola. Un agente te atenderá enseguida.",
  botNote: "Estás hablando con nuestro asistente.",
  human: "Hablar con una persona",
  resolved: "Esta conversación se marcó como resuelta.",
  rate: "¿Qué tal la conversación?",
  rateStar: "{n} de 5",
  comment: "¿Algo más? (opcional)",
  rateSend: "Enviar valoración",
  rated: "¡Gracias por tu opinión!",
  tooBig: "{file} es demasiado grande (máximo 10 MB).",
  badType: "{file} no se puede enviar: imagen, PDF, Office, ZIP o texto.",
  uploading: "Subiendo {file}… {pct} %",
  uploadFailed: "No se pudo subir {file}: {why}",
  unread: "{n} sin leer",
  newMessage: "Mensaje nuevo",
  powered: "Con la tecnología de Porthole",
  cantStart: "El chat no puede iniciarse ahora. Inténtalo más tarde.",
  previewVisitor: "¡Hola! ¿Enviáis a Noruega?",
  previewAgent: "Sí: el envío tarda de 3 a 5 días.",
};

const tables: Record<string, Table> = { en, de, fr, es };

/** The locales the widget speaks. */
export const locales = Object.keys(tables);

/**
 * The best supported locale for a list of preferences (`navigator.languages`): an exact
 * match first, then the base language (`de-AT` → `de`), else English.
 */
export function pickLocale(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (tables[lower]) return lower;
    const base = lower.split("-")[0] ?? "";
    if (tables[base]) return base;
  }
  return "en";
}

/** A translator for one locale: `t("typing", { name: "Ann" })`. */
export function translator(
  locale: string,
): (key: TextKey, vars?: Record<string, string | number>) => string {
  const table = tables[pickLocale([locale])] ?? en;
  return (key, vars) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(vars?.[name] ?? whole));
}
