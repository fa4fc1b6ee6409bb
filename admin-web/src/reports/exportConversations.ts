//! "Export conversations (CSV)": every page of ExportConversations for the report's days and
//! filter, 1,000 rows at a time, until the last page; progress after each page, stopped by
//! its signal (Cancel) or by the first error, which the caller shows. No React.

import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  ConversationFigures,
  ExportConversationsRequestSchema,
  ExportConversationsResponse,
  ReportFilterSchema,
} from "@porthole/client";

/** Rows per page: the most ExportConversations gives. */
export const EXPORT_PAGE_SIZE = 1000;

/** The part of a ReportService client the export uses. */
export interface ExportClient {
  exportConversations: (
    request: MessageInitShape<typeof ExportConversationsRequestSchema>,
    options?: { signal?: AbortSignal },
  ) => Promise<ExportConversationsResponse>;
}

/** The days and filter of the report on screen. */
export interface ExportScope {
  fromDate: string;
  toDate: string;
  filter?: MessageInitShape<typeof ReportFilterSchema> | undefined;
}

/**
 * Reads every page in order and returns all rows. Throws the call's error, or the signal's
 * reason once it is aborted; `onPage` hears the rows read so far after each page.
 */
export async function readAllConversations(
  client: ExportClient,
  scope: ExportScope,
  { signal, onPage }: { signal: AbortSignal; onPage?: (rowsSoFar: number) => void },
): Promise<ConversationFigures[]> {
  const rows: ConversationFigures[] = [];
  const seen = new Set<string>();
  let pageToken = "";
  for (;;) {
    signal.throwIfAborted();
    const page = await client.exportConversations(
      { ...scope, pageSize: EXPORT_PAGE_SIZE, pageToken },
      { signal },
    );
    signal.throwIfAborted();
    rows.push(...page.conversations);
    onPage?.(rows.length);
    if (!page.nextPageToken) return rows;
    // A token handed out twice would loop for ever: stop rather than download twice.
    if (seen.has(page.nextPageToken)) {
      throw new Error("The server sent the same page twice; the export stopped.");
    }
    seen.add(page.nextPageToken);
    pageToken = page.nextPageToken;
  }
}
