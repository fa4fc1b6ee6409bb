//! The limits the server enforces on what people send, checked in the browser first so
//! they learn at once instead of after an upload: attachment size and type, body length.
//! The server stays the judge (server/src/attachments.rs, server/src/domain/conversation.rs);
//! these only have to match it.

/** Largest file the server accepts (`attachments::MAX_BYTES`): 10 MiB. */
export const maxAttachmentBytes = 10 * 1024 * 1024;

/** Longest message body in characters (`conversation::MAX_BODY_CHARS`). */
export const maxBodyChars = 10_000;

// The server decides the type from the bytes; the browser can only go by the declared type
// or, when the browser declares none, the file name.
const allowedTypes =
  /^(image\/(png|jpeg|gif|webp)|application\/(pdf|zip)|text\/plain|application\/vnd\.openxmlformats-officedocument\.)/;
const allowedExtensions = /\.(png|jpe?g|gif|webp|pdf|zip|docx|xlsx|pptx|txt|csv|log|md)$/i;

/** Why a file cannot be sent (`tooBig`, `badType`), or undefined when it may be. */
export function attachmentProblem(file: {
  name: string;
  size: number;
  type: string;
}): "tooBig" | "badType" | undefined {
  if (file.size > maxAttachmentBytes) return "tooBig";
  if (!allowedTypes.test(file.type) && !allowedExtensions.test(file.name)) return "badType";
  return undefined;
}
